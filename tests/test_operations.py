"""The programme's list of operations read into projects and beneficiaries (issue #12, first stage).

The fixtures are built from the one real row in ``../shared/data/list-of-operations-PGI00008.json``
(Interreg Europe's list of operations, 2019 edition, as the European Commission's EU Budget
for Results data lake parsed it: ec-europa/eubfr-data-lake, commit 0aae0944; Commission
content, reusable with acknowledgement): ``list-of-operations-CD-ETA.csv`` is that row as it
is (one row a project, beneficiaries packed with ``;``); ``...-by-beneficiary.csv`` is the same
data in the other edition (one row a beneficiary, French headers only, another column order,
decimal commas, rates in percent, dd/mm/yyyy dates).
"""

from __future__ import annotations

import csv
import os
from decimal import Decimal

import pytest

from graph.errors import InputDataError
from graph.operations import _aligned, normalised_post_code, organisation_key, organisations, place, read_operations
from tests.conftest import FIXTURES

PACKED = FIXTURES / "list-of-operations-CD-ETA.csv"
BY_BENEFICIARY = FIXTURES / "list-of-operations-CD-ETA-by-beneficiary.csv"
NUTS = ["BG314", "RO124", "EL632", "ES523", "ITI14", "SI042", "ES414", "EE001"]


def _summary(path):
    op = read_operations(path).operations["PGI00008"]
    return (op.index, op.acronym, op.summary, op.approved, op.start, op.end, op.category, op.updated,
            [(b.name, b.country, b.amount, b.rate, b.nuts) for b in op.beneficiaries])


def test_the_real_row_reads_as_cd_eta_with_eight_beneficiaries_placed_by_post_code():
    read = read_operations(PACKED)
    assert read.rows == 1 and list(read.operations) == ["PGI00008"]
    op = read.operations["PGI00008"]
    assert op.acronym == "CD-ETA" and op.approved is True
    assert (op.start.isoformat(), op.end.isoformat()) == ("2016-04-01", "2021-03-31")  # from 21:00Z
    assert [b.nuts for b in op.beneficiaries] == NUTS
    assert [b.country for b in op.beneficiaries] == ["BG", "RO", "EL", "ES", "IT", "SI", "ES", "EE"]
    assert op.beneficiaries[2].amount == Decimal("208566.2") and op.beneficiaries[5].rate == Decimal("0.75")
    assert op.beneficiaries[6].name == "Foundation Saint Mary the Royal of Historic Heritage"  # trailing space
    assert sum(b.amount for b in op.beneficiaries) == Decimal("1714148.6")
    # every repair is in the report: the 15 country codes, the prefixed Greek post code
    repaired = {(n.column, n.action) for n in read.notes}
    assert repaired == {("country", "repaired"), ("post_code", "repaired")}
    assert not read.rejected


def test_the_other_edition_in_french_in_another_order_gives_the_same_operations():
    assert _summary(BY_BENEFICIARY) == _summary(PACKED)
    assert read_operations(BY_BENEFICIARY).rows == 8


def test_an_xlsx_list_reads_like_the_csv(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Interreg Europe - list of operations"])  # a title above the header
    with open(PACKED, encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append(row)
    book.save(tmp_path / "list.xlsx")
    assert _summary(tmp_path / "list.xlsx") == _summary(PACKED)


def test_a_post_code_the_correspondence_lacks_is_placed_in_its_country_and_reported(tmp_path):
    path = tmp_path / "uk.csv"
    path.write_text("Index,Operation name,Beneficiary name,Total eligible expenditure allocated to the "
                    "operation,Country,Operation post code\nPGI09999,UKTEST,A council,1000,UK,SW1A 1AA\n",
                    encoding="utf-8")
    read = read_operations(path)
    (b,) = read.operations["PGI09999"].beneficiaries
    assert (b.nuts, b.placed_by) == ("UK", "country")
    assert [(n.action, n.value) for n in read.notes] == [("placed by country", "SW1A 1AA")]


def test_post_codes_and_countries_normalised():
    assert normalised_post_code("GR 26504", "EL") == "26504"
    assert normalised_post_code("EL-26504", "EL") == "26504"
    assert place("EL", "GR 26504") == ("EL632", "normalised post code")
    assert place("BG", "5800") == ("BG314", "post code")
    assert place("DE", None) == ("DE", "country")


@pytest.mark.parametrize("values, n, expected", [
    (["a", "b"], 2, ["a", "b"]),
    ([], 2, ["", ""]),
    (["0.85"], 3, ["0.85"] * 3),
    (["BG", "RO", "RO", "EL", "EL"], 3, ["BG", "RO", "EL"]),  # the real list's shape
    (["ES", "ES", "ES", "ES", "ES"], 3, ["ES", "ES", "ES"]),  # the same shape, one country
    (["ES", "ES", "IT"], 2, ["ES", "IT"]),  # runs of repeats
    (["a", "b", "c"], 2, None),
])
def test_packed_lists_are_aligned_only_where_there_is_one_reading(values, n, expected):
    assert _aligned(values, n) == expected


def test_packed_lists_that_cannot_be_aligned_reject_the_row_and_say_why(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Index,Operation name,Beneficiary name,Total eligible expenditure allocated to the "
                    "operation,Country\nPGI1,A,x;y;z,1;2,BG;RO;EL\nPGI2,B,w,5,SI\n", encoding="utf-8")
    read = read_operations(path)
    assert list(read.operations) == ["PGI2"]
    (note,) = read.rejected
    assert (note.row, note.column) == (2, "amount") and "2 values for 3 beneficiaries" in note.reason


@pytest.mark.parametrize("name, content, words", [
    ("missing.csv", b"Index,Operation name,Country\nPGI1,A,BG\n", "no column"),
    ("latin1.csv", "Index,Operation name,Beneficiary name,Total eligible expenditure allocated to the "
                   "operation,Country\nPGI1,A,Conseil régional,1,FR\n".encode("latin-1"), "UTF-8"),
    ("garbage.csv", bytes(range(256)) * 40, "UTF-8"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "XLSX"),
    ("text.csv", b"just some text\nwith lines\n", "no header row"),
])
def test_a_file_that_is_no_list_of_operations_is_a_clear_error(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputDataError) as e:
        read_operations(path)
    assert words in e.value.message and e.value.detail["file"]


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:  # 50 MB (sparse): refused by its size
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(InputDataError) as e:
        read_operations(path)
    assert e.value.detail["bytes"] == 50 * 1024 * 1024
    assert os.path.getsize(path) == 50 * 1024 * 1024


def test_organisations_are_deduplicated_by_name_and_country_and_every_merge_reported(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(
        "Index,Operation name,Beneficiary name,Total eligible expenditure allocated to the operation,Country\n"
        "PGI1,A,Université de Genève;Region X,1;2,CH;FR\n"
        "PGI2,B,UNIVERSITE DE GENEVE ;Region X;Region X,3;4;5,CH;FR;DE\n",
        encoding="utf-8")
    orgs, notes = organisations(read_operations(path).operations.values())
    assert len(orgs) == 3  # Geneva once; Region X in France, and another in Germany
    geneva = orgs[organisation_key("Université de Genève", "CH")]
    assert geneva.names == ["Université de Genève", "UNIVERSITE DE GENEVE"] and geneva.rows == [2, 3]
    assert [(n.row, n.value, n.action) for n in notes] == [(3, "UNIVERSITE DE GENEVE", "merged")]


def test_names_in_other_scripts_and_long_names_keep_their_organisations_apart():
    from graph.operations import organisation_iri_key, organisation_key

    attica, crete = organisation_key("Περιφέρεια Αττικής", "EL"), organisation_key("ΠΕΡΙΦΕΡΕΙΑ ΚΡΗΤΗΣ", "EL")
    assert attica != crete  # folding to ASCII made both '' (one organisation)
    assert organisation_key("Περιφέρεια Αττικής", "EL") == organisation_key("ΠΕΡΙΦΕΡΕΙΑ ΑΤΤΙΚΗΣ ", "EL")
    assert organisation_iri_key(*attica) != organisation_iri_key(*crete)
    stem = "regional government of region de bruxelles capitale brussels hoofdstedelijk gewest " * 2
    one, two = organisation_iri_key(stem + "energy", "BE"), organisation_iri_key(stem + "mobility", "BE")
    assert one != two and len(one) <= 120 and len(two) <= 120
