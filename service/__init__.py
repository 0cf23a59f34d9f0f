"""ikg's HTTP service and command line: thin layers over :mod:`graph`."""
