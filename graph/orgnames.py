"""Names of generated organisations in their country's language, from the NUTS names of where
they are. No HTTP.

A generated organisation is named as such bodies are named in its country: a real kind of
body ("Comune di", "Landkreis", "Consiliul Județean", "Województwo", "Länsstyrelsen i") and a
place of its NUTS 3 area or NUTS 2 region, in the form the language needs (the genitive in
Finnish, Greek, Croatian, Latvian, Slovene; the feminine adjective in Polish). Where a
language names a body by its area alone, the area's NUTS name is the name ("Jihočeský kraj",
"Osječko-baranjska županija"). Names are plausible, not real: they are generated records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

__all__ = ["LANGUAGES", "NAMES", "language_of", "templates", "place_forms", "plain_name"]

#: The language organisations of a country are named in; regions that use another
#: (Brussels and Wallonia in French, Flanders in Dutch, western and Italian-speaking
#: Switzerland, Åland in Swedish) in REGION_LANGUAGE.
LANGUAGES: dict[str, str] = {
    "AT": "de-AT", "BE": "nl", "BG": "bg", "CH": "de-CH", "CY": "el-CY", "CZ": "cs", "DE": "de", "DK": "da",
    "EE": "et", "EL": "el", "ES": "es", "FI": "fi", "FR": "fr", "HR": "hr", "HU": "hu", "IE": "en-IE", "IT": "it",
    "LT": "lt", "LU": "fr-LU", "LV": "lv", "MT": "en-MT", "NL": "nl", "NO": "no", "PL": "pl", "PT": "pt", "RO": "ro",
    "SE": "sv", "SI": "sl", "SK": "sk", "UK": "en",
}  # fmt: skip
REGION_LANGUAGE = {"BE1": "fr-BXL", "BE3": "fr-BE", "CH01": "fr-CH", "CH07": "it", "FI20": "sv-FI"}

_T = dict[str, list[str]]

#: Per language (and country variant, which overrides its language's entries): the name
#: templates of each kind of organisation. Places: {r2} (NUTS 2), {r3} (NUTS 3), {r1} (NUTS 1)
#: as NUTS names them without the kind of area; {de_r1}, {de_r3} ("de "/"d'" + place, French);
#: {gen_r2}, {gen_r3} (genitive); {fem_r2} (feminine adjective, Polish); local authorities of
#: an area that is a town take "town-authority" where the language has it.
NAMES: dict[str, _T] = {
    "en": {
        "regional-authority": ["{r2} Combined Authority", "{r2} Local Enterprise Partnership"],
        "local-authority": ["{r3} Council", "{r3} Borough Council"],
        "national-authority": ["Department for Levelling Up, Housing and Communities",
                               "Department for Business, Energy and Industrial Strategy",
                               "Department for Environment, Food and Rural Affairs"],
        "sectoral-agency": ["{r2} Energy Agency", "{r3} Growth Hub"],
        "infrastructure-provider": ["{r3} Transport", "{r3} Waste Partnership"],
        "interest-group": ["{r3} Chamber of Commerce", "{r2} Councils' Association"],
        "higher-education-research": ["University of {r3}", "{r3} Institute of Technology"],
        "education-training": ["{r3} College"],
        "business-support": ["{r3} Science Park", "{r3} Enterprise Centre"],
        "egtc": ["{r2} European Grouping of Territorial Cooperation"],
    },
    "en-IE": {
        "regional-authority": ["{r2} Regional Assembly"],
        "local-authority": ["{r3} Local Authorities Network"],
        "national-authority": ["Department of Housing, Local Government and Heritage",
                               "Department of Enterprise, Trade and Employment",
                               "Department of the Environment, Climate and Communications"],
        "sectoral-agency": ["{r3} Energy Agency", "{r3} Local Enterprise Office"],
        "higher-education-research": ["{r3} Technological University"],
        "education-training": ["{r3} Education and Training Board"],
    },
    "en-MT": {
        "regional-authority": ["{r3} Regional Council"],
        "local-authority": ["{r3} Local Council"],
        "national-authority": ["Ministry for European Funds and Social Dialogue",
                               "Ministry for the Economy, Enterprise and Strategic Projects",
                               "Ministry for the Environment, Energy and Enterprise"],
        "higher-education-research": ["{r3} Institute of Science and Technology"],
    },
    "de": {
        "regional-authority": ["Regierung von {r2}", "Bezirk {r2}"],
        "local-authority": ["Landkreis {r3}", "Landratsamt {r3}"],
        "town-authority": ["Stadt {r3}", "Stadtverwaltung {r3}"],
        "national-authority": ["Bundesministerium für Wirtschaft und Klimaschutz",
                               "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen",
                               "Bundesamt für Naturschutz"],
        "sectoral-agency": ["Energieagentur {r2}", "Wirtschaftsförderung {r3}", "Standortagentur {r2}",
                            "Klimaschutzagentur {r3}"],
        "infrastructure-provider": ["Verkehrsverbund {r2}", "Abfallwirtschaftsbetrieb {r3}", "Stadtwerke {r3}"],
        "interest-group": ["Industrie- und Handelskammer {r2}", "Handwerkskammer {r3}", "Regionalverband {r3}"],
        "higher-education-research": ["Hochschule {r3}", "Technische Hochschule {r2}", "Fachhochschule {r3}"],
        "education-training": ["Berufsbildungszentrum {r3}", "Volkshochschule {r3}"],
        "business-support": ["Technologie- und Gründerzentrum {r3}", "Innovationszentrum {r2}", "Wirtschaftspark {r3}"],
        "egtc": ["EVTZ {r2}"],
    },
    "de-AT": {
        "regional-authority": ["Land {r2}", "Amt der Landesregierung {r2}"],
        "local-authority": ["Regionalmanagement {r3}", "Bezirkshauptmannschaft {r3}"],
        "town-authority": ["Magistrat {r3}", "Stadtgemeinde {r3}"],
        "national-authority": ["Bundesministerium für Klimaschutz, Umwelt, Energie, Mobilität, Innovation und "
                               "Technologie", "Bundesministerium für Land- und Forstwirtschaft, Regionen und "
                               "Wasserwirtschaft", "Österreichische Raumordnungskonferenz"],
        "interest-group": ["Wirtschaftskammer {r2}", "Gemeindebund {r2}"],
    },
    "de-CH": {
        "regional-authority": ["Kanton {r3}"],
        "local-authority": ["Regionalkonferenz {r3}", "Gemeindeverband {r3}"],
        "national-authority": ["Staatssekretariat für Wirtschaft SECO", "Bundesamt für Raumentwicklung ARE",
                               "Bundesamt für Energie BFE"],
    },
    "fr": {
        "regional-authority": ["Région {r1}", "Conseil régional {de_r1}"],
        "local-authority": ["Conseil départemental {de_r3}", "Communauté d'agglomération {de_r3}"],
        "national-authority": ["Agence nationale de la cohésion des territoires",
                               "Ministère de la Transition écologique", "Direction générale des entreprises"],
        "sectoral-agency": ["Agence régionale de l'énergie {de_r1}", "Agence de développement économique {de_r3}"],
        "infrastructure-provider": ["Syndicat mixte des transports {de_r3}",
                                    "Syndicat de traitement des déchets {de_r3}"],
        "interest-group": ["CCI {r3}", "Chambre de métiers et de l'artisanat {de_r3}"],
        "higher-education-research": ["Université {de_r3}", "Institut universitaire de technologie {de_r3}"],
        "education-training": ["Centre de formation professionnelle {de_r3}"],
        "business-support": ["Technopole {de_r3}", "Pôle de compétitivité {de_r1}"],
        "egtc": ["GECT {r2}"],
    },
    "fr-BE": {
        "regional-authority": ["Province {de_r2}"],
        "local-authority": ["Intercommunale de développement {de_r3}", "Ville {de_r3}"],
        "national-authority": ["Service public de Wallonie", "Agence wallonne de l'Air et du Climat",
                               "Bruxelles Environnement"],
    },
    "fr-BXL": {
        "regional-authority": ["Région de Bruxelles-Capitale", "Bruxelles Économie et Emploi",
                               "Bruxelles Environnement", "perspective.brussels"],
        "local-authority": ["Ville de Bruxelles", "Commune d'Ixelles", "Commune de Schaerbeek",
                            "Commune d'Anderlecht", "Commune de Molenbeek-Saint-Jean", "Commune d'Etterbeek"],
        "national-authority": ["SPF Économie", "SPF Mobilité et Transports", "SPF Santé publique et Environnement"],
    },
    "fr-LU": {
        "regional-authority": ["Syndicat intercommunal {de_r3}"],
        "local-authority": ["Ville {de_r3}"],
        "national-authority": ["Ministère de l'Économie", "Ministère de l'Énergie et de l'Aménagement du territoire",
                               "Ministère de l'Intérieur"],
    },
    "fr-CH": {
        "regional-authority": ["Canton {de_r3}"],
        "local-authority": ["Association régionale {de_r3}"],
    },
    "it": {
        "regional-authority": ["Regione {r2}"],
        "local-authority": ["Provincia di {r3}", "Unione dei Comuni di {r3}"],
        "town-authority": ["Comune di {r3}"],
        "national-authority": ["Agenzia per la Coesione Territoriale", "Ministero delle Imprese e del Made in Italy",
                               "Ministero dell'Ambiente e della Sicurezza Energetica"],
        "sectoral-agency": ["Agenzia per l'Energia di {r3}", "Agenzia per lo Sviluppo di {r3}"],
        "infrastructure-provider": ["Azienda Trasporti di {r3}", "Azienda Servizi Ambientali di {r3}"],
        "interest-group": ["Camera di Commercio di {r3}", "ANCI {r2}"],
        "higher-education-research": ["Università degli Studi di {r3}", "Politecnico di {r3}"],
        "education-training": ["Istituto Tecnico Superiore di {r3}"],
        "business-support": ["Parco Scientifico e Tecnologico di {r3}", "Incubatore d'Impresa di {r3}"],
        "egtc": ["GECT {r2}"],
    },
    "es": {
        "regional-authority": ["Gobierno de {r2}", "Dirección General de Fondos Europeos de {r2}"],
        "local-authority": ["Diputación Provincial de {r3}", "Mancomunidad de Municipios de {r3}"],
        "town-authority": ["Ayuntamiento de {r3}"],
        "national-authority": ["Ministerio de Hacienda y Función Pública",
                               "Ministerio para la Transición Ecológica y el Reto Demográfico",
                               "Instituto para la Diversificación y Ahorro de la Energía"],
        "sectoral-agency": ["Agencia de Desarrollo Económico de {r2}", "Agencia Provincial de la Energía de {r3}"],
        "infrastructure-provider": ["Consorcio de Transportes de {r3}", "Consorcio Provincial de Residuos de {r3}"],
        "interest-group": ["Cámara de Comercio de {r3}", "Federación de Municipios de {r2}"],
        "higher-education-research": ["Universidad de {r3}", "Instituto Tecnológico de {r2}"],
        "education-training": ["Centro Integrado de Formación Profesional de {r3}"],
        "business-support": ["Parque Científico y Tecnológico de {r3}",
                             "Centro Europeo de Empresas e Innovación de {r3}"],
        "egtc": ["AECT {r2}"],
    },
    "pt": {
        "regional-authority": ["CCDR {r2}"],
        "local-authority": ["Comunidade Intermunicipal {r3}"],
        "national-authority": ["Agência para o Desenvolvimento e Coesão", "Ministério do Ambiente e da Ação Climática",
                               "Direção-Geral do Território"],
        "sectoral-agency": ["Agência Regional de Energia {r3}", "Agência de Desenvolvimento Regional {r2}"],
        "infrastructure-provider": ["Transportes Intermunicipais {r3}", "Resíduos {r3}"],
        "interest-group": ["Associação Empresarial {r3}", "Associação de Municípios {r3}"],
        "higher-education-research": ["Instituto Politécnico {r3}", "Universidade {r2}"],
        "education-training": ["Escola Profissional {r3}"],
        "business-support": ["Parque de Ciência e Tecnologia {r3}", "Incubadora de Empresas {r3}"],
        "egtc": ["AECT {r2}"],
    },
    "nl": {
        "regional-authority": ["Provincie {r2}"],
        "local-authority": ["Gemeente {r3}", "Regio {r3}"],
        "national-authority": ["Ministerie van Economische Zaken en Klimaat",
                               "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
                               "Rijksdienst voor Ondernemend Nederland"],
        "sectoral-agency": ["Ontwikkelingsmaatschappij {r2}", "Energieloket {r3}"],
        "infrastructure-provider": ["Vervoerregio {r3}", "Afvalbeheer {r3}"],
        "interest-group": ["Kamer van Koophandel {r2}", "Vereniging van Gemeenten {r2}"],
        "higher-education-research": ["Hogeschool {r3}", "Kenniscentrum {r2}"],
        "education-training": ["ROC {r3}"],
        "business-support": ["Innovatiecentrum {r3}", "Science Park {r3}"],
        "egtc": ["EGTS {r2}"],
    },
    "pl": {
        "regional-authority": ["Województwo {r2}"],
        "local-authority": ["Powiat {r3}", "Związek Gmin Regionu {r3}"],
        "town-authority": ["Gmina Miejska {r3}", "Zarząd Transportu Miejskiego {r3}"],
        "national-authority": ["Ministerstwo Funduszy i Polityki Regionalnej", "Ministerstwo Rozwoju i Technologii",
                               "Ministerstwo Klimatu i Środowiska"],
        "sectoral-agency": ["{fem_r2} Agencja Rozwoju Regionalnego", "{fem_r2} Agencja Energetyczna"],
        "infrastructure-provider": ["{r2} Przedsiębiorstwo Komunikacyjne"],
        "interest-group": ["{fem_r2} Izba Gospodarcza", "{r2} Stowarzyszenie Gmin"],
        "higher-education-research": ["Politechnika {fem_r2}", "Akademia {fem_r2}"],
        "education-training": ["{r2} Centrum Kształcenia Zawodowego"],
        "business-support": ["{r2} Centrum Przedsiębiorczości", "{r2} Centrum Innowacji"],
        "egtc": ["EUWT {r2}"],
    },
    "cs": {
        "regional-authority": ["{r3}"],
        "local-authority": ["Místní akční skupina {r2}", "Mikroregion {r2}"],
        "national-authority": ["Ministerstvo pro místní rozvoj", "Ministerstvo průmyslu a obchodu",
                               "Ministerstvo životního prostředí"],
        "sectoral-agency": ["Regionální rozvojová agentura {r2}", "Energetická agentura {r2}"],
        "infrastructure-provider": ["Integrovaná doprava {r2}"],
        "interest-group": ["Regionální hospodářská komora {r2}", "Sdružení obcí {r2}", "Destinační společnost {r3}"],
        "higher-education-research": ["Vysoká škola regionálního rozvoje {r2}"],
        "education-training": ["Střední odborná škola {r2}"],
        "business-support": ["Vědeckotechnický park {r2}", "Podnikatelský inkubátor {r2}", "Inovační centrum {r3}"],
        "egtc": ["ESÚS {r2}"],
    },
    "sk": {
        "regional-authority": ["{r3}"],
        "local-authority": ["Miestna akčná skupina {r2}", "Mikroregión {r3}"],
        "national-authority": ["Ministerstvo investícií, regionálneho rozvoja a informatizácie",
                               "Ministerstvo hospodárstva", "Ministerstvo životného prostredia"],
        "sectoral-agency": ["Regionálna rozvojová agentúra {r2}", "Energetická agentúra {r2}"],
        "infrastructure-provider": ["Integrovaná doprava {r2}"],
        "interest-group": ["Regionálna obchodná komora {r2}", "Združenie obcí {r2}",
                           "Oblastná organizácia cestovného ruchu {r3}"],
        "higher-education-research": ["Vysoká škola {r2}"],
        "education-training": ["Stredná odborná škola {r2}"],
        "business-support": ["Vedecko-technologický park {r2}", "Podnikateľský inkubátor {r2}",
                             "Inovačné centrum {r3}"],
        "egtc": ["EZÚS {r2}"],
    },
    "hu": {
        "regional-authority": ["{r3} Megyei Önkormányzat"],
        "local-authority": ["{r3} Megyei Települési Önkormányzatok Szövetsége"],
        "national-authority": ["Pénzügyminisztérium", "Gazdaságfejlesztési Minisztérium", "Belügyminisztérium"],
        "sectoral-agency": ["{r2} Regionális Fejlesztési Ügynökség", "{r3} Megyei Energiaügynökség"],
        "infrastructure-provider": ["{r3} Közlekedési Központ"],
        "interest-group": ["{r3} Megyei Kereskedelmi és Iparkamara"],
        "higher-education-research": ["{r2} Egyetem"],
        "education-training": ["{r3} Megyei Szakképzési Centrum"],
        "business-support": ["{r3} Ipari és Innovációs Park", "{r2} Innovációs Ügynökség"],
        "egtc": ["{r2} EGTC"],
    },
    "ro": {
        "regional-authority": ["Consiliul Județean {r3}"],
        "local-authority": ["Primăria Municipiului {r3}"],
        "national-authority": ["Ministerul Dezvoltării, Lucrărilor Publice și Administrației",
                               "Ministerul Investițiilor și Proiectelor Europene",
                               "Ministerul Mediului, Apelor și Pădurilor"],
        "sectoral-agency": ["Agenția pentru Dezvoltare Regională {r2}", "Agenția pentru Managementul Energiei {r3}"],
        "infrastructure-provider": ["Compania de Transport Public {r3}"],
        "interest-group": ["Camera de Comerț și Industrie {r3}", "Asociația Comunelor {r3}"],
        "higher-education-research": ["Universitatea Tehnică {r3}"],
        "education-training": ["Colegiul Tehnic {r3}"],
        "business-support": ["Parcul Științific și Tehnologic {r3}", "Incubatorul de Afaceri {r3}"],
        "egtc": ["GECT {r2}"],
    },
    "bg": {
        "regional-authority": ["Областна администрация {r3}"],
        "local-authority": ["Община {r3}"],
        "national-authority": ["Министерство на регионалното развитие и благоустройството",
                               "Министерство на икономиката и индустрията", "Министерство на околната среда и водите"],
        "sectoral-agency": ["Регионална агенция за развитие {r3}", "Енергийна агенция {r3}"],
        "infrastructure-provider": ["Градски транспорт {r3}"],
        "interest-group": ["Търговско-промишлена палата {r3}", "Асоциация на общините {r3}"],
        "higher-education-research": ["Технически университет {r3}"],
        "education-training": ["Професионална гимназия {r3}"],
        "business-support": ["Бизнес инкубатор {r3}", "Научно-технологичен парк {r3}"],
        "egtc": ["ЕГТС {r2}"],
    },
    "el": {
        "regional-authority": ["Περιφέρεια {gen_r2}"],
        "local-authority": ["Περιφερειακή Ενότητα {gen_r3}", "Περιφερειακή Ένωση Δήμων {gen_r2}"],
        "national-authority": ["Υπουργείο Ανάπτυξης", "Υπουργείο Περιβάλλοντος και Ενέργειας", "Υπουργείο Εσωτερικών"],
        "sectoral-agency": ["Αναπτυξιακή Εταιρεία {gen_r3}", "Αναπτυξιακή Εταιρεία {gen_r2}",
                            "Ενεργειακό Γραφείο {gen_r2}"],
        "infrastructure-provider": ["Φορέας Διαχείρισης Στερεών Αποβλήτων {gen_r2}",
                                    "Δημοτική Επιχείρηση Ύδρευσης Αποχέτευσης {gen_r3}"],
        "interest-group": ["Επιμελητήριο {gen_r3}"],
        "higher-education-research": ["Πανεπιστήμιο {gen_r2}", "Ερευνητικό Κέντρο {gen_r3}"],
        "education-training": ["Ινστιτούτο Επαγγελματικής Κατάρτισης {gen_r3}"],
        "business-support": ["Επιστημονικό και Τεχνολογικό Πάρκο {gen_r2}", "Θερμοκοιτίδα Επιχειρήσεων {gen_r3}"],
        "egtc": ["ΕΟΕΣ {r2}"],
    },
    "el-CY": {
        "regional-authority": ["Επαρχιακή Διοίκηση Λευκωσίας", "Επαρχιακή Διοίκηση Λεμεσού",
                               "Επαρχιακή Διοίκηση Λάρνακας", "Επαρχιακή Διοίκηση Πάφου"],
        "local-authority": ["Δήμος Λευκωσίας", "Δήμος Λεμεσού", "Δήμος Λάρνακας", "Δήμος Πάφου"],
        "national-authority": ["Υπουργείο Εσωτερικών", "Υπουργείο Ενέργειας, Εμπορίου και Βιομηχανίας",
                               "Γενική Διεύθυνση Ευρωπαϊκών Προγραμμάτων, Συντονισμού και Ανάπτυξης"],
    },
    "hr": {
        "regional-authority": ["{r3}"],
        "local-authority": ["Lokalna akcijska grupa {r2}"],
        "national-authority": ["Ministarstvo regionalnoga razvoja i fondova Europske unije",
                               "Ministarstvo gospodarstva", "Ministarstvo prostornoga uređenja, graditeljstva i "
                               "državne imovine"],
        "sectoral-agency": ["Razvojna agencija {gen_r3}", "Energetska agencija {gen_r3}"],
        "infrastructure-provider": ["Komunalno poduzeće {gen_r3}"],
        "interest-group": ["Županijska gospodarska komora {gen_r3}", "Turistička zajednica {gen_r3}"],
        "higher-education-research": ["Veleučilište {gen_r3}", "Institut za razvoj {gen_r3}"],
        "education-training": ["Centar za strukovno obrazovanje {gen_r3}", "Pučko otvoreno učilište {gen_r3}"],
        "business-support": ["Tehnološki park {gen_r3}", "Poduzetnički inkubator {gen_r3}",
                             "Inovacijski centar {gen_r3}"],
        "egtc": ["EGTS {r2}"],
    },
    "sl": {
        "regional-authority": ["Svet {gen_r3} regije"],
        "local-authority": ["Lokalna akcijska skupina {gen_r3} regije"],
        "national-authority": ["Ministrstvo za kohezijo in regionalni razvoj",
                               "Ministrstvo za gospodarstvo, turizem in šport",
                               "Ministrstvo za naravne vire in prostor"],
        "sectoral-agency": ["Regionalna razvojna agencija {gen_r3} regije", "Energetska agencija {gen_r3} regije"],
        "infrastructure-provider": ["Javno komunalno podjetje {gen_r3} regije"],
        "interest-group": ["Regionalna gospodarska zbornica {gen_r3} regije"],
        "higher-education-research": ["Visoka šola {gen_r3} regije"],
        "education-training": ["Šolski center {gen_r3} regije"],
        "business-support": ["Tehnološki park {gen_r3} regije", "Podjetniški inkubator {gen_r3} regije"],
        "egtc": ["EZTS {r2}"],
    },
    "lt": {
        "regional-authority": ["{r3} regiono plėtros taryba"],
        "local-authority": ["{r3} miesto savivaldybė", "{r3} rajono savivaldybė"],
        "national-authority": ["Lietuvos Respublikos vidaus reikalų ministerija",
                               "Lietuvos Respublikos ekonomikos ir inovacijų ministerija",
                               "Lietuvos Respublikos aplinkos ministerija"],
        "sectoral-agency": ["{r3} energetikos agentūra", "{r3} plėtros agentūra", "{r3} turizmo informacijos centras"],
        "infrastructure-provider": ["{r3} viešasis transportas", "{r3} atliekų tvarkymo centras"],
        "interest-group": ["{r3} prekybos, pramonės ir amatų rūmai", "{r3} verslo asociacija"],
        "higher-education-research": ["{r3} kolegija", "{r3} technologijų institutas"],
        "education-training": ["{r3} profesinio rengimo centras", "{r3} suaugusiųjų mokymo centras"],
        "business-support": ["{r3} mokslo ir technologijų parkas", "{r3} verslo inkubatorius",
                             "{r3} inovacijų centras"],
        "egtc": ["ETBG {r2}"],
    },
    "lv": {
        "regional-authority": ["{gen_r3} plānošanas reģions"],
        "local-authority": ["{gen_r3} pašvaldību savienība"],
        "national-authority": ["Viedās administrācijas un reģionālās attīstības ministrija", "Ekonomikas ministrija",
                               "Finanšu ministrija"],
        "sectoral-agency": ["{gen_r3} enerģētikas aģentūra", "{gen_r3} attīstības aģentūra"],
        "infrastructure-provider": ["{gen_r3} satiksme"],
        "interest-group": ["{gen_r3} uzņēmēju biedrība"],
        "higher-education-research": ["{gen_r3} Augstskola"],
        "education-training": ["{gen_r3} Tehnikums"],
        "business-support": ["{gen_r3} biznesa inkubators"],
        "egtc": ["ETSG {r2}"],
    },
    "et": {
        "regional-authority": ["{r3} Arenduskeskus"],
        "local-authority": ["{r3} Omavalitsuste Liit"],
        "national-authority": ["Regionaal- ja Põllumajandusministeerium", "Majandus- ja Kommunikatsiooniministeerium",
                               "Kliimaministeerium"],
        "sectoral-agency": ["{r3} Energiaagentuur", "{r3} Ettevõtluskeskus"],
        "infrastructure-provider": ["{r3} Ühistranspordikeskus"],
        "interest-group": ["{r3} Ettevõtjate Liit"],
        "higher-education-research": ["{r3} Rakenduskõrgkool"],
        "education-training": ["{r3} Kutsehariduskeskus"],
        "business-support": ["{r3} Teaduspark", "{r3} Äriinkubaator"],
        "egtc": ["ETKR {r2}"],
    },
    "fi": {
        "regional-authority": ["{gen_r3} liitto"],
        "local-authority": ["{gen_r3} seudun kuntayhtymä"],
        "national-authority": ["Työ- ja elinkeinoministeriö", "Ympäristöministeriö", "Valtiovarainministeriö"],
        "sectoral-agency": ["{gen_r3} Energiatoimisto", "{gen_r3} kehittämisyhtiö"],
        "infrastructure-provider": ["{gen_r3} joukkoliikenne"],
        "interest-group": ["{gen_r3} kauppakamari"],
        "higher-education-research": ["{gen_r3} ammattikorkeakoulu"],
        "education-training": ["{gen_r3} koulutuskuntayhtymä"],
        "business-support": ["{gen_r3} tiedepuisto", "{gen_r3} yrityshautomo"],
        "egtc": ["EAYY {r2}"],
    },
    "sv": {
        "regional-authority": ["Länsstyrelsen i {r3}", "Regionförbundet i {r3}"],
        "local-authority": ["Kommunförbundet i {r3}"],
        "national-authority": ["Tillväxtverket", "Energimyndigheten", "Näringsdepartementet"],
        "sectoral-agency": ["Energikontor {r2}", "Almi Företagspartner {r2}"],
        "infrastructure-provider": ["Kollektivtrafikmyndigheten i {r3}"],
        "interest-group": ["Handelskammaren {r2}"],
        "higher-education-research": ["Högskolan {r2}"],
        "education-training": ["Yrkeshögskolan i {r3}"],
        "business-support": ["Science Park {r2}", "Inkubator {r2}"],
        "egtc": ["EGTS {r2}"],
    },
    "sv-FI": {
        "regional-authority": ["Ålands landskapsregering"],
        "local-authority": ["Ålands kommunförbund"],
    },
    "da": {
        "regional-authority": ["Region {r2}"],
        "local-authority": ["{r3} Kommune"],
        "national-authority": ["Erhvervsministeriet", "Klima-, Energi- og Forsyningsministeriet", "Erhvervsstyrelsen"],
        "sectoral-agency": ["Erhvervshus {r2}", "Energikontor {r3}"],
        "infrastructure-provider": ["Trafikselskab {r2}"],
        "interest-group": ["Erhvervsforening {r3}"],
        "higher-education-research": ["Professionshøjskolen {r2}"],
        "education-training": ["Erhvervsskolen {r3}"],
        "business-support": ["Science Park {r3}", "Væksthus {r2}"],
        "egtc": ["EGTS {r2}"],
    },
    "no": {
        "regional-authority": ["{r3} fylkeskommune"],
        "local-authority": ["Regionrådet i {r3}"],
        "national-authority": ["Kommunal- og distriktsdepartementet", "Nærings- og fiskeridepartementet",
                               "Klima- og miljødepartementet"],
        "sectoral-agency": ["Innovasjon Norge {r3}", "Energikontoret {r3}"],
        "infrastructure-provider": ["Kollektivtrafikken i {r3}"],
        "interest-group": ["Næringsforeningen i {r3}"],
        "higher-education-research": ["Høgskulen i {r3}"],
        "education-training": ["Fagskolen i {r3}"],
        "business-support": ["Kunnskapsparken {r3}"],
        "egtc": ["EGTS {r2}"],
    },
}  # fmt: skip

#: Departments of a regional government, by language: a region has one government, and its
#: departments take part in projects under their own names
DEPARTMENTS = {
    "en": ["Economic Development Directorate", "Environment Directorate"],
    "de": ["Abteilung Wirtschaft", "Abteilung Umwelt"],
    "fr": ["Direction de l'économie", "Direction de l'environnement"],
    "it": ["Direzione Generale Sviluppo Economico", "Direzione Ambiente"],
    "es": ["Consejería de Economía", "Consejería de Medio Ambiente"],
    "pt": ["Direção de Serviços de Desenvolvimento Regional", "Direção de Serviços do Ambiente"],
    "nl": ["Directie Economie", "Directie Ruimte en Milieu"],
    "pl": ["Departament Rozwoju Regionalnego", "Departament Środowiska"],
    "cs": ["odbor regionálního rozvoje", "odbor životního prostředí"],
    "sk": ["odbor regionálneho rozvoja", "odbor životného prostredia"],
    "hu": ["Területfejlesztési Főosztály", "Környezetvédelmi Főosztály"],
    "ro": ["Direcția Dezvoltare Regională", "Direcția Mediu"],
    "bg": ["Дирекция „Регионално развитие“", "Дирекция „Околна среда“"],
    "el": ["Διεύθυνση Αναπτυξιακού Προγραμματισμού", "Διεύθυνση Περιβάλλοντος"],
    "hr": ["Upravni odjel za regionalni razvoj", "Upravni odjel za zaštitu okoliša"],
    "sl": ["Oddelek za regionalni razvoj", "Oddelek za okolje"],
    "lt": ["Regioninės plėtros skyrius", "Aplinkos skyrius"],
    "lv": ["Attīstības nodaļa", "Vides nodaļa"], "et": ["Arendusosakond", "Keskkonnaosakond"],
    "fi": ["aluekehitysyksikkö", "ympäristöyksikkö"], "sv": ["Enheten för regional utveckling", "Miljöenheten"],
    "da": ["Regional Udvikling", "Miljø og Ressourcer"], "no": ["Avdeling for regional utvikling", "Miljøavdelingen"],
}  # fmt: skip

#: Genitives the rules below do not make (Greek regions, Finnish regions with consonant
#: gradation or an irregular stem, Zagreb)
_GENITIVE = {
    "Αττική": "Αττικής", "Βόρειο Αιγαίο": "Βορείου Αιγαίου", "Νότιο Αιγαίο": "Νοτίου Αιγαίου", "Κρήτη": "Κρήτης",
    "Aνατολική Μακεδονία": "Ανατολικής Μακεδονίας και Θράκης", "Κεντρική Μακεδονία": "Κεντρικής Μακεδονίας",
    "Δυτική Μακεδονία": "Δυτικής Μακεδονίας", "Ήπειρος": "Ηπείρου", "Θεσσαλία": "Θεσσαλίας",
    "Ιόνια Νησιά": "Ιονίων Νήσων", "Δυτική Ελλάδα": "Δυτικής Ελλάδας", "Στερεά Ελλάδα": "Στερεάς Ελλάδας",
    "Πελοπόννησος": "Πελοποννήσου", "Aττική": "Αττικής", "Κύπρος": "Κύπρου",
    "Satakunta": "Satakunnan", "Helsinki-Uusimaa": "Uudenmaan", "Lappi": "Lapin", "Grad Zagreb": "Grada Zagreba",
}  # fmt: skip
#: Finnish genitive endings by the ending of the name
_FI_ENDINGS = (("maa", "maan"), ("Suomi", "Suomen"), ("Häme", "Hämeen"), ("laakso", "laakson"),
               ("Karjala", "Karjalan"), ("Savo", "Savon"), ("Kainuu", "Kainuun"))
#: The kinds of area NUTS names carry, left out of a place's name
_KINDS = re.compile(r"^(Arr\. (de |d')?|Arrondissement (de |d')?|Prov\. |Landkreis |Kreisfreie Stadt |Miasto |"
                    r"Comunidad( Foral)? de |Región de |Principado de |Ciudad( Autónoma)? de |Provincia Autonoma di |"
                    r"Região Autónoma d[aeo]s? |Área Metropolitana d[aeo]s? |Agglomeratie |Overig |Byen )|"
                    r"( CC| en omgeving| apskritis| \([A-Z]{2}\))$")
_TOWN = re.compile(r"(Kreisfreie Stadt|Stadtkreis|^Miasto |^Byen |^Wien$|^Graz$|^Linz)")


def language_of(nuts2: str) -> str:
    """The language (and country variant) organisations of a NUTS 2 region are named in."""
    return REGION_LANGUAGE.get(nuts2) or REGION_LANGUAGE.get(nuts2[:3]) or LANGUAGES[nuts2[:2]]


def templates(lang: str, kind: str) -> list[str]:
    """The name templates of a kind of organisation in a language (its country variant's where
    it has them, else the language's); a regional government's are followed by those of its
    departments ("Regione Lombardia – Direzione Ambiente")."""
    variant = NAMES.get(lang, {})
    own = variant.get(kind) or NAMES[lang.split("-")[0]][kind]
    if kind != "regional-authority":
        return own
    return own + [f"{t} – {d}" for t in own for d in DEPARTMENTS[lang.split("-")[0]]]


def plain_name(name: str) -> str:
    """A NUTS name without the kind of area it carries nor its other languages."""
    first = name.split("/")[0].split(",")[0].strip()
    return _KINDS.sub("", first).strip() or first


def _genitive(name: str, lang: str) -> str:
    if name in _GENITIVE:
        return _GENITIVE[name]
    if lang == "fi":
        for end, gen in _FI_ENDINGS:
            if name.endswith(end):
                return name[: -len(end)] + gen
        return name + "n"
    if lang in ("hr", "sl"):  # feminine a-stems: Osječko-baranjska županija -> Osječko-baranjske županije
        return " ".join(w[:-1] + "e" if w.endswith("a") else w for w in name.split())
    if lang == "lv":  # Kurzeme -> Kurzemes, Rīga -> Rīgas
        return name + "s" if name[-1:] in "ae" else name
    if lang == "el":  # word by word: Δυτική Αττική -> Δυτικής Αττικής, Κεντρικός Τομέας -> Κεντρικού Τομέα
        return " ".join(_greek_genitive(w) for w in name.split())
    return name


def _greek_genitive(word: str) -> str:
    if word.endswith(("ας", "άς")):
        return word[:-1]
    if word.endswith(("ός", "ος")):
        return word[:-2] + ("ού" if word.endswith("ός") else "ου")
    if word.endswith(("ο", "ό")):
        return word[:-1] + ("ού" if word.endswith("ό") else "ου")
    if word.endswith(("α", "η", "ά", "ή")):
        return word + "ς"
    return word


def _de(name: str) -> str:
    """French "de" before a place: "d'" before a vowel or a mute h."""
    first = unicodedata.normalize("NFD", name[:1])[:1].lower()
    return f"d'{name}" if first in "aeiouyh" else f"de {name}"


def _feminine(name: str) -> str:
    """The Polish feminine of a voivodeship's adjective: Małopolskie -> Małopolska."""
    return name[:-2] + "a" if name.endswith("ie") else name


def place_forms(names: Mapping[str, str], lang: str) -> dict[str, str]:
    """The places a name template may use, from the NUTS names of an organisation's NUTS 1, 2 and
    3 areas (``names`` keyed r1, r2, r3), and whether its NUTS 3 area is a town (``town``:
    "1" or "")."""
    plain = {k: plain_name(v) for k, v in names.items()}
    if lang == "pl" and plain["r2"].startswith(("Warszawski", "Mazowiecki")):
        plain["r2"] = "Mazowieckie"
    if plain["r1"].startswith("RUP"):  # the French outermost regions: each is its own region
        plain["r1"] = plain["r2"]
    base = lang.split("-")[0]
    out = dict(plain)
    for k, v in plain.items():
        out[f"de_{k}"] = _de(v)
        out[f"gen_{k}"] = _genitive(v, base)
        out[f"fem_{k}"] = _feminine(v)
    out["town"] = "1" if _TOWN.search(names["r3"]) else ""
    return out
