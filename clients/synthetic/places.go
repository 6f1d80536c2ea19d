package synthetic

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	municipalities "github.com/oppslag/oppslag/clients/person/municipality"
)

// Geography of the synthetic population.
//
// Sources (checked for this package, see the report of issue 3):
//   - Counties: SSB KLASS classification 104 (fylkesinndeling), the 2024
//     division, unchanged in codes through 2026: 15 counties.
//   - Municipalities: the numbers and official names of SSB KLASS 131, the
//     2024 division (357 municipalities), are package municipality's, with
//     their sources; this table adds only what the population draws from.
//   - Urban districts: SSB KLASS classification 103 (bydelsinndeling). Oslo
//     030101–030115 are the fifteen service-providing bydeler; 030116 Sentrum
//     and 030117 Marka are geographical districts only (seen in KLASS
//     correspondence mock data of statisticsnorway/klass-web, NAV code and
//     SKDE's helseatlas tables). Stavanger 110301–110307 (seven districts).
//     Bergen 460101–460108 and Trondheim 500101–500104 keep the suffixes of
//     their pre-2020 codes 120101–120108 and 160101–160104 (INFERENCE from
//     the 2020 renumbering of the municipalities, which kept the suffixes).
//   - Which service district serves an address in Sentrum or Marka is not
//     published in the stored sources. INFERENCE: Sentrum is served by
//     St. Hanshaugen, Marka by the neighbouring bydel of each part.
//   - Postal codes and post towns are real codes of the municipality where
//     known; for the smallest municipalities a plausible code in the county's
//     series is derived, unique to that municipality. Basic statistical units
//     (grunnkretser, 8 digits = municipality + 4) are plausible, not real.

// county is one county of SSB KLASS 104 (2024).
type county struct {
	number string
	name   string
	// postLo, postHi bound the postal-code series used when a municipality
	// of the county has no listed codes.
	postLo, postHi int
}

// counties are the 15 counties of 2024, with the official Sámi and Kven
// parallel names (KLASS 104, as in upstreams.md §0).
var counties = []county{
	{"03", "Oslo", 150, 1299},
	{"11", "Rogaland", 4000, 4399},
	{"15", "Møre og Romsdal", 6000, 6699},
	{"18", "Nordland - Nordlánnda", 8000, 8999},
	{"31", "Østfold", 1600, 1899},
	{"32", "Akershus", 1400, 2199},
	{"33", "Buskerud", 3300, 3699},
	{"34", "Innlandet", 2200, 2999},
	{"39", "Vestfold", 3100, 3299},
	{"40", "Telemark", 3600, 3999},
	{"42", "Agder", 4400, 4999},
	{"46", "Vestland", 5000, 5999},
	{"50", "Trøndelag - Trööndelage", 7000, 7999},
	{"55", "Troms - Romsa - Tromssa", 9000, 9499},
	{"56", "Finnmark - Finnmárku - Finmarkku", 9500, 9999},
}

// muniDef is one row of the municipality table; its name is the
// register's (municipality.Name).
type muniDef struct {
	number string
	pop    float64 // residents in thousands (2024, rounded), the draw weight
	// post lists postal codes and post towns: "1337 SANDVIKA;1300-1305
	// SANDVIKA". Empty means one code is derived in the county's series.
	post string
	// sami marks the administrative area for Sámi language, where the
	// population draws Sámi language use and electoral-register entries.
	sami bool
}

// municipalityTable is the whole 2024 division (357 municipalities).
var municipalityTable = []muniDef{
	{"0301", 717, "", false}, // Oslo's codes come from its districts
	{"1101", 15, "4370-4373 EGERSUND;4376 HELLELAND", false},
	{"1103", 148, "", false}, // from its districts
	{"1106", 38, "5501-5538 HAUGESUND", false},
	{"1108", 83, "4306-4309 SANDNES;4310 HOMMERSÅK;4311-4329 SANDNES;4110 FORSAND", false},
	{"1111", 3.3, "4380 HAUGE I DALANE", false},
	{"1112", 3.2, "4460 MOI", false},
	{"1114", 2.8, "4387 BJERKREIM", false},
	{"1119", 19, "4360 VARHAUG;4362 VIGRESTAD;4364 SIREVÅG;4365 NÆRBØ", false},
	{"1120", 20, "4352 KLEPPE;4353 KLEPP STASJON;4354 VOLL;4343 ORRE", false},
	{"1121", 19, "4340-4341 BRYNE;4342 UNDHEIM", false},
	{"1122", 12, "4330 ÅLGÅRD;4333 OLTEDAL;4335 DIRDAL", false},
	{"1124", 28, "4050 SOLA;4052 RØYNEBERG;4053 RÆGE;4054 TJELTA;4056 TANANGER", false},
	{"1127", 11, "4070 RANDABERG", false},
	{"1130", 13, "4100 JØRPELAND;4102 IDSE;4120 TAU", false},
	{"1133", 2.6, "4130 HJELMELAND", false},
	{"1134", 3.8, "4230 SAND", false},
	{"1135", 4.6, "4200 SAUDA", false},
	{"1144", 0.5, "4180 KVITSØY", false},
	{"1145", 0.9, "5561 BOKN", false},
	{"1146", 11, "5570 AKSDAL;5565 TYSVÆRVÅG;5563 FØRRESFJORDEN", false},
	{"1149", 43, "4250 KOPERVIK;4260 TORVASTAD;4262 AVALDSNES;4270 ÅKREHAMN;4280 SKUDENESHAVN", false},
	{"1151", 0.2, "5547 UTSIRA", false},
	{"1160", 9, "5580 ØLEN;5585 SANDEID", false},
	{"1505", 24, "6503-6520 KRISTIANSUND N", false},
	{"1506", 33, "6402-6421 MOLDE;6450 HJELSET", false},
	{"1508", 58, "6002-6029 ÅLESUND;6260 SKODJE;6240 ØRSKOG", false},
	{"1511", 3, "", false},
	{"1514", 2.5, "", false},
	{"1515", 9, "6090 FOSNAVÅG;6091 FOSNAVÅG", false},
	{"1516", 9, "6065 ULSTEINVIK;6067 ULSTEINVIK", false},
	{"1517", 5, "6060 HAREID", false},
	{"1520", 11, "6150-6151 ØRSTA;6153 ØRSTA", false},
	{"1525", 4.5, "6200 STRANDA", false},
	{"1528", 8, "6230 SYKKYLVEN", false},
	{"1531", 10, "6030 LANGEVÅG;6033 FISKARSTRAND", false},
	{"1532", 8.5, "6050 VALDERØYA;6040 VIGRA", false},
	{"1535", 7, "6390 VESTNES", false},
	{"1539", 7.5, "6300 ÅNDALSNES", false},
	{"1547", 3.6, "6480 AUKRA", false},
	{"1554", 6, "6530 AVERØY", false},
	{"1557", 2.6, "", false},
	{"1560", 3, "", false},
	{"1563", 7, "6600 SUNNDALSØRA", false},
	{"1566", 6, "6650 SURNADAL", false},
	{"1573", 2, "", false},
	{"1576", 3.5, "", false},
	{"1577", 11, "6100-6103 VOLDA", false},
	{"1578", 2.5, "6210 VALLDAL", false},
	{"1579", 13, "6440 ELNESVÅGEN;6444 FARSTAD;6490 EIDE", false},
	{"1580", 10, "6270 BRATTVÅG;6280 SØVIK", false},
	{"1804", 53, "8003-8016 BODØ;8019-8031 BODØ;8050 TVERLANDET", false},
	{"1806", 21, "8502-8517 NARVIK;8520 ANKENESSTRAND;8530 BJERKVIK", false},
	{"1811", 1.4, "", false},
	{"1812", 2, "", false},
	{"1813", 8, "8900 BRØNNØYSUND", false},
	{"1815", 1.2, "", false},
	{"1816", 0.5, "", false},
	{"1818", 1.8, "", false},
	{"1820", 7.5, "8800 SANDNESSJØEN", false},
	{"1822", 2.4, "", false},
	{"1824", 13, "8650-8652 MOSJØEN;8656-8657 MOSJØEN", false},
	{"1825", 1.5, "", false},
	{"1826", 1.3, "8690 HATTFJELLDAL", true},
	{"1827", 1.4, "", false},
	{"1828", 1.8, "", false},
	{"1832", 4.5, "8646 KORGEN", false},
	{"1833", 26, "8601-8626 MO I RANA", false},
	{"1834", 1.9, "", false},
	{"1835", 0.5, "", false},
	{"1836", 1.2, "", false},
	{"1837", 6, "8150 ØRNES;8160 GLOMFJORD", false},
	{"1838", 2, "", false},
	{"1839", 1, "", false},
	{"1840", 4.6, "8250 ROGNAN", false},
	{"1841", 10, "8200 FAUSKE;8215 VALNESFJORD;8230 SULITJELMA", false},
	{"1845", 1.9, "8226 STRAUMEN", false},
	{"1848", 2.5, "", false},
	{"1851", 2, "8410 LØDINGEN", false},
	{"1853", 1.4, "8534 LILAND;8536 EVENES", true},
	{"1856", 0.5, "", false},
	{"1857", 0.7, "", false},
	{"1859", 1.3, "", false},
	{"1860", 11.5, "8370 LEKNES;8360 BØSTAD", false},
	{"1865", 9.8, "8300 SVOLVÆR;8310 KABELVÅG", false},
	{"1866", 8, "8450 STOKMARKNES;8445 MELBU", false},
	{"1867", 2.5, "", false},
	{"1868", 4.5, "8430 MYRE", false},
	{"1870", 10.6, "8400 SORTLAND;8401 SORTLAND", false},
	{"1871", 4.5, "8483 ANDENES", false},
	{"1874", 1, "", false},
	{"1875", 2.7, "8294 HAMARØY;8270 DRAG", true},
	{"3101", 32, "1751-1789 HALDEN;1790 TISTEDAL", false},
	{"3103", 51, "1502-1535 MOSS;1580-1581 RYGGE", false},
	{"3105", 59, "1706-1714 SARPSBORG;1718-1720 GREÅKER;1730 ISE;1735 VARTEIG;1745-1747 SKJEBERG", false},
	{"3107", 84, "1601-1620 FREDRIKSTAD;1621 GRESSVIK;1626-1639 FREDRIKSTAD", false},
	{"3110", 4.8, "1680 SKJÆRHALDEN", false},
	{"3112", 7.9, "1640 RÅDE;1642 SALTNES", false},
	{"3114", 6, "1592 VÅLER I ØSTFOLD", false},
	{"3116", 3.9, "1816 SKIPTVET", false},
	{"3118", 46, "1800-1807 ASKIM;1850-1851 MYSEN;1860 TRØGSTAD;1820 SPYDEBERG;1825 TOMTER", false},
	{"3120", 8.4, "1890 RAKKESTAD", false},
	{"3122", 3.6, "1870 ØRJE", false},
	{"3124", 1.3, "", false},
	{"3201", 130, "1337-1338 SANDVIKA;1340 SKUI;1344 HASLUM;1346 GJETTUM;1350 LOMMEDALEN;1356-1357 BEKKESTUA;1358 JAR;1360 FORNEBU;1366 LYSAKER;1368-1369 STABEKK", false},
	{"3203", 98, "1383-1386 ASKER;1390 VOLLEN;1394 NESBRU;1395 HVALSTAD;1396 BILLINGSTAD;3440 RØYKEN;3470 SLEMMESTAD;3480 FILTVET", false},
	{"3205", 93, "2000-2004 LILLESTRØM;2007 KJELLER;2008 FJERDINGBY;2010 STRØMMEN;2013 SKJETTEN;2020 SKEDSMOKORSET;1900 FETSUND;1920 SØRUMSAND", false},
	{"3207", 62, "1400 SKI;1406 SKI;1404 SIGGERUD;1410 KOLBOTN;1412 SOFIEMYR;1414 TROLLÅSEN;1415 OPPEGÅRD", false},
	{"3209", 42, "2050-2053 JESSHEIM;2054 MOGREINA;2055 NORDKISA;2058 SESSVOLLMOEN;2040-2041 KLØFTA", false},
	{"3212", 20, "1450-1451 NESODDTANGEN;1453 BJØRNEMYR;1454 FAGERSTRAND", false},
	{"3214", 16, "1440-1445 DRØBAK", false},
	{"3216", 19, "1540-1541 VESTBY;1545 HVITSTEN;1550 HØLEN;1555 SON", false},
	{"3218", 21, "1430-1434 ÅS", false},
	{"3220", 11, "1912 ENEBAKK;1914 YTRE ENEBAKK", false},
	{"3222", 47, "1470-1471 LØRENSKOG;1472 FJELLHAMAR;1473 LØRENSKOG;1474 NORDBYHAGEN;1475 FINSTADJORDET;1476 RASTA", false},
	{"3224", 19, "2005 RÆLINGEN;2006 LØVENSTADTORGET", false},
	{"3226", 17.8, "1930 AURSKOG;1940 BJØRKELANGEN;1950 RØMSKOG", false},
	{"3228", 24, "2150 ÅRNES;2160 VORMSUND;2164 SKOGBYGDA;2170 FENSTAD", false},
	{"3230", 7, "2022 GJERDRUM", false},
	{"3232", 25, "1480 SLATTUM;1481 HAGAN;1482 NITTEDAL;1484 HAKADAL", false},
	{"3234", 9.2, "2740 ROA;2730 LUNNER;2742 GRUA", false},
	{"3236", 7, "3520 JEVNAKER", false},
	{"3238", 15, "2030 NANNESTAD;2032 MAURA", false},
	{"3240", 27, "2080-2081 EIDSVOLL;2074 EIDSVOLL VERK;2092 MINNESUND", false},
	{"3242", 2.9, "2090 HURDAL", false},
	{"3301", 103, "3001-3048 DRAMMEN;3050 MJØNDALEN;3055 KROKSTADELVA;3060 SVELVIK", false},
	{"3303", 28, "3601-3619 KONGSBERG", false},
	{"3305", 31, "3510-3519 HØNEFOSS;3533 TYRISTRAND", false},
	{"3310", 7, "3530 RØYSE;3531 KROKKLEIVA", false},
	{"3312", 28, "3400-3405 LIER;3406 TRANBY;3410 SYLLING;3420 LIERSKOGEN", false},
	{"3314", 20, "3300-3303 HOKKSUND;3320 VESTFOSSEN;3330 SKOTSELV", false},
	{"3316", 14, "3340 ÅMOT;3360 GEITHUS;3370 VIKERSUND", false},
	{"3318", 2.3, "3535 KRØDEREN", false},
	{"3320", 1, "3539 FLÅ", false},
	{"3322", 3.3, "3540 NESBYEN", false},
	{"3324", 4.7, "3550 GOL", false},
	{"3326", 2.6, "3560 HEMSEDAL", false},
	{"3328", 4.7, "3570 ÅL", false},
	{"3330", 4.5, "3580 GEILO;3576 HOL", false},
	{"3332", 3.5, "3350 PRESTFOSS", false},
	{"3334", 2.7, "3620 LAMPELAND", false},
	{"3336", 1.4, "3626 ROLLAG", false},
	{"3338", 2.4, "3630 RØDBERG", false},
	{"3401", 18, "2208-2226 KONGSVINGER", false},
	{"3403", 33, "2304-2311 HAMAR;2315-2321 HAMAR;2322 RIDABU", false},
	{"3405", 29, "2602-2625 LILLEHAMMER", false},
	{"3407", 31, "2800-2827 GJØVIK;2836 BIRI", false},
	{"3411", 35, "2380-2382 BRUMUNDDAL;2390-2391 MOELV;2360 RUDSHØGDA;2350 NES PÅ HEDMARKEN", false},
	{"3412", 7.7, "2340 LØTEN", false},
	{"3413", 21, "2335-2336 STANGE;2337 TANGEN;2338 ESPA;2312 OTTESTAD", false},
	{"3414", 5, "2120 SAGSTUA", false},
	{"3415", 8, "2100 SKARNES", false},
	{"3416", 6, "2230 SKOTTERUD", false},
	{"3417", 4.5, "2260 KIRKENÆR", false},
	{"3418", 7, "2270 FLISA", false},
	{"3419", 3.6, "2436 VÅLER I SOLØR", false},
	{"3420", 21.6, "2406-2418 ELVERUM", false},
	{"3421", 6.6, "2420 TRYSIL", false},
	{"3422", 4.4, "2450 RENA", false},
	{"3423", 2.4, "2480 KOPPANG", false},
	{"3424", 1.8, "", false},
	{"3425", 1.2, "", false},
	{"3426", 1.5, "", false},
	{"3427", 5.6, "2500 TYNSET", false},
	{"3428", 2.4, "2560 ALVDAL", false},
	{"3429", 1.5, "", false},
	{"3430", 1.9, "", false},
	{"3431", 2.5, "2660 DOMBÅS", false},
	{"3432", 2, "", false},
	{"3433", 2.2, "", false},
	{"3434", 2.3, "2686 LOM", false},
	{"3435", 3.6, "2680 VÅGÅ", false},
	{"3436", 5.7, "2640 VINSTRA", false},
	{"3437", 5.7, "2670 OTTA", false},
	{"3438", 3.1, "2647 SØR-FRON", false},
	{"3439", 4.4, "2630 RINGEBU", false},
	{"3440", 5.1, "2636 ØYER;2635 TRETTEN", false},
	{"3441", 6.1, "2651 ØSTRE GAUSDAL;2653 VESTRE GAUSDAL", false},
	{"3442", 15, "2850 LENA;2848 SKREIA;2849 KAPP", false},
	{"3443", 13.5, "2830-2831 RAUFOSS;2843 EINA;2846 BØVERBRU", false},
	{"3446", 13.7, "2750 GRAN;2760 BRANDBU;2770 JAREN", false},
	{"3447", 5.6, "2860 HOV", false},
	{"3448", 6.6, "2870 DOKKA", false},
	{"3449", 2.9, "2930 BAGN", false},
	{"3450", 1.3, "", false},
	{"3451", 6.4, "2900 FAGERNES", false},
	{"3452", 2.2, "", false},
	{"3453", 3.2, "2940 HEGGENES", false},
	{"3454", 1.6, "", false},
	{"3901", 28, "3181-3189 HORTEN", false},
	{"3903", 25, "3080-3085 HOLMESTRAND;3070-3071 SANDE I VESTFOLD;3090 HOF", false},
	{"3905", 58, "3103-3125 TØNSBERG;3170 SEM", false},
	{"3907", 65, "3202-3241 SANDEFJORD;3160 STOKKE", false},
	{"3909", 48, "3251-3271 LARVIK;3290 STAVERN;3280 TJODALYNG;3295 HELGEROA", false},
	{"3911", 27, "3126-3128 NØTTERØY;3132 HUSØYSUND;3135 TORØD;3145 TJØME;3148 HVASSER", false},
	{"4001", 37, "3911-3922 PORSGRUNN;3933-3949 PORSGRUNN", false},
	{"4003", 56, "3711-3736 SKIEN", false},
	{"4005", 13, "3671-3679 NOTODDEN", false},
	{"4010", 2.3, "3748 SILJAN", false},
	{"4012", 14, "3960 STATHELLE;3965 HERRE;3970 LANGESUND", false},
	{"4014", 10, "3770 KRAGERØ;3766 SANNIDAL", false},
	{"4016", 4.1, "3750 DRANGEDAL", false},
	{"4018", 6.5, "3830 ULEFOSS;3825 LUNDE", false},
	{"4020", 10.8, "3800 BØ I TELEMARK;3810 GVARV;3812 AKKERHAUGEN", false},
	{"4022", 3, "3840 SELJORD", false},
	{"4024", 1.6, "", false},
	{"4026", 5.6, "3660 RJUKAN", false},
	{"4028", 2.4, "", false},
	{"4030", 1.5, "", false},
	{"4032", 1.3, "", false},
	{"4034", 2.2, "3880 DALEN", false},
	{"4036", 3.7, "3890 VINJE", false},
	{"4201", 6.8, "4950 RISØR", false},
	{"4202", 24, "4876-4879 GRIMSTAD;4884-4887 GRIMSTAD;4888 HOMBORSUND;4889 FEVIK", false},
	{"4203", 46, "4801-4811 ARENDAL;4815 SALTRØD;4817 HIS;4818 FÆRVIK", false},
	{"4204", 116, "4608-4639 KRISTIANSAND S;4640 SØGNE;4645 NODELAND", false},
	{"4205", 23.5, "4515-4517 MANDAL;4520 LINDESNES;4534 MARNARDAL", false},
	{"4206", 9.7, "4550-4553 FARSUND;4560 VANSE", false},
	{"4207", 9.1, "4400-4403 FLEKKEFJORD", false},
	{"4211", 2.4, "", false},
	{"4212", 2.1, "", false},
	{"4213", 6.1, "4900 TVEDESTRAND", false},
	{"4214", 6.1, "4820 FROLAND", false},
	{"4215", 11.4, "4790-4792 LILLESAND", false},
	{"4216", 5.3, "4760 BIRKELAND", false},
	{"4217", 1.8, "", false},
	{"4218", 1.4, "", false},
	{"4219", 3.7, "4735 EVJE", false},
	{"4220", 1.2, "", false},
	{"4221", 1.2, "", false},
	{"4222", 1, "", false},
	{"4223", 15, "4700-4701 VENNESLA;4705 ØVREBØ", false},
	{"4224", 0.9, "", false},
	{"4225", 10.8, "4580 LYNGDAL", false},
	{"4226", 1.7, "", false},
	{"4227", 6, "4480 KVINESDAL", false},
	{"4228", 1.9, "", false},
	{"4601", 291, "", false}, // from its districts
	{"4602", 17, "6900 FLORØ;6905 FLORØ;6700 MÅLØY", false},
	{"4611", 4.1, "5590 ETNE", false},
	{"4612", 5.8, "5550 SVEIO", false},
	{"4613", 12, "5430 BREMNES;5437 FINNÅS", false},
	{"4614", 19, "5402-5404 STORD;5408 SAGVÅG;5411 STORD;5416 STORD", false},
	{"4615", 3.2, "5419 FITJAR", false},
	{"4616", 2.9, "5680 TYSNES", false},
	{"4617", 13, "5460 HUSNES;5470 ROSENDAL;5450 SUNDE I SUNNHORDLAND", false},
	{"4618", 11, "5750 ODDA;5770 TYSSEDAL;5780 KINSARVIK;5781 LOFTHUS", false},
	{"4619", 0.9, "5783 EIDFJORD", false},
	{"4620", 1.1, "5730 ULVIK", false},
	{"4621", 16, "5700-5710 VOSS", false},
	{"4622", 8.5, "5600 NORHEIMSUND;5610 ØYSTESE", false},
	{"4623", 2.5, "5650 TYSSE", false},
	{"4624", 26, "5200-5203 OS;5640 EIKELANDSOSEN", false},
	{"4625", 5.3, "5392 STOREBØ", false},
	{"4626", 39, "5353-5354 STRAUME;5355 KNARREVIK;5357 FJELL;5336 TJELDSTØ", false},
	{"4627", 30, "5300 KLEPPESTØ;5302 STRUSSHAMN;5306 ERDAL;5310 HAUGLANDSHELLA", false},
	{"4628", 4, "5722 DALEKVAM;5725 VAKSDAL", false},
	{"4629", 0.4, "", false},
	{"4630", 8.3, "5282 LONEVÅG;5281 VALESTRANDSFOSSEN", false},
	{"4631", 30, "5914 ISDALSTØ;5918 FREKHAUG;5936 MANGER;5911 ALVERSUND", false},
	{"4632", 2.9, "5943 AUSTRHEIM", false},
	{"4633", 0.5, "5947 FEDJE", false},
	{"4634", 1.7, "", false},
	{"4635", 2.3, "", false},
	{"4636", 0.8, "", false},
	{"4637", 1.3, "", false},
	{"4638", 4.1, "6993 HØYANGER", false},
	{"4639", 2.6, "6893 VIK I SOGN", false},
	{"4640", 12.2, "6851 SOGNDAL;6856 SOGNDAL;6863 LEIKANGER", false},
	{"4641", 1.8, "5745 AURLAND", false},
	{"4642", 2.2, "6887 LÆRDAL", false},
	{"4643", 5.1, "6884 ØVRE ÅRDAL;6885 ÅRDALSTANGEN", false},
	{"4644", 5.3, "6868 GAUPNE", false},
	{"4645", 3, "", false},
	{"4646", 2.8, "6963 DALE I SUNNFJORD", false},
	{"4647", 22.3, "6800-6807 FØRDE;6817 NAUSTDAL;6843 SKEI I JØLSTER", false},
	{"4648", 3.6, "6727 BREMANGER", false},
	{"4649", 9.5, "6770 NORDFJORDEID;6750 STADLANDET", false},
	{"4650", 5.9, "6823 SANDANE", false},
	{"4651", 7.3, "6783 STRYN", false},
	{"5001", 214, "", false}, // from its districts
	{"5006", 24, "7700-7725 STEINKJER", false},
	{"5007", 15, "7800-7805 NAMSOS", false},
	{"5014", 5.4, "7260 SISTRANDA", false},
	{"5020", 1, "", false},
	{"5021", 7, "7340 OPPDAL", false},
	{"5022", 2.5, "7391 RENNEBU", false},
	{"5025", 5.6, "7374 RØROS", true},
	{"5026", 2, "7380 ÅLEN", false},
	{"5027", 6.3, "7290 STØREN", false},
	{"5028", 17, "7221-7224 MELHUS;7232 LUNDAMO", false},
	{"5029", 8.5, "7353 BØRSA;7354 VIGGJA", false},
	{"5031", 14.9, "7550 HOMMELVIK;7560 VIKHAMMER", false},
	{"5032", 4.2, "7580 SELBU", false},
	{"5033", 0.8, "", false},
	{"5034", 2.4, "7530 MERÅKER", false},
	{"5035", 25, "7500-7510 STJØRDAL", false},
	{"5036", 2.7, "7633 FROSTA", false},
	{"5037", 20.5, "7600-7610 LEVANGER;7620 SKOGN", false},
	{"5038", 15, "7650-7653 VERDAL", false},
	{"5041", 2, "7760 SNÅSA", true},
	{"5042", 1.3, "", false},
	{"5043", 0.45, "7898 LIMINGEN", true},
	{"5044", 0.85, "", false},
	{"5045", 2.4, "7870 GRONG", false},
	{"5046", 1.2, "", false},
	{"5047", 3.9, "7863 OVERHALLA", false},
	{"5049", 1.1, "", false},
	{"5052", 0.55, "", false},
	{"5053", 6.9, "7670 INDERØY", false},
	{"5054", 10, "7100 RISSA;7105 STADSBYGD", false},
	{"5055", 6, "7200 KYRKSÆTERØRA", false},
	{"5056", 5.2, "7240 HITRA", false},
	{"5057", 10.6, "7130 BREKSTAD;7160 BJUGN", false},
	{"5058", 4.2, "7170 ÅFJORD", false},
	{"5059", 18.8, "7300 ORKANGER;7320 FANNREM;7332 LØKKEN VERK", false},
	{"5060", 9.8, "7900 RØRVIK;7940 OTTERSØY", false},
	{"5061", 2, "6657 RINDAL", false},
	{"5501", 78, "9006-9020 TROMSØ;9024 TOMASJORD", false},
	{"5503", 25, "9403-9415 HARSTAD", false},
	{"5510", 2.8, "9475 BORKENES", false},
	{"5512", 4.1, "9440 EVENSKJER;9430 SANDTORG", true},
	{"5514", 1.3, "", false},
	{"5516", 1.1, "9470 GRATANGEN", true},
	{"5518", 1, "9358 TENNEVOLL", true},
	{"5520", 4, "9360 BARDU", false},
	{"5522", 2.1, "9350 SJØVEGAN", false},
	{"5524", 6.6, "9325 BARDUFOSS;9334 ØVERBYGD", false},
	{"5526", 3.5, "9310 SØRREISA", false},
	{"5528", 1.1, "", false},
	{"5530", 14.8, "9300 FINNSNES;9303 SILSAND;9380 GIBOSTAD;9385 SKALAND", false},
	{"5532", 5.6, "9050 STORSTEINNES;9055 MEISTERVIK", false},
	{"5534", 2.2, "9130 HANSNES", false},
	{"5536", 2.8, "9060 LYNGSEIDET", false},
	{"5538", 1.8, "9046 OTEREN;9143 SKIBOTN", false},
	{"5540", 2, "9146 OLDERDALEN;9147 BIRTAVARRE", true},
	{"5542", 2.9, "9180 SKJERVØY", false},
	{"5544", 4.9, "9151 STORSLETT;9152 SØRKJOSEN", false},
	{"5546", 1.2, "9161 BURFJORD", false},
	{"5601", 21.5, "9506-9515 ALTA", false},
	{"5603", 11.4, "9600-9616 HAMMERFEST;9620 KVALSUND", false},
	{"5605", 10, "9900 KIRKENES;9910 BJØRNEVATN;9925 SVANVIK", false},
	{"5607", 5.8, "9800 VADSØ;9802 VESTRE JAKOBSELV", false},
	{"5610", 2.6, "9730 KARASJOK", true},
	{"5612", 2.9, "9520 KAUTOKEINO;9525 MAZE", true},
	{"5614", 0.9, "9550 ØKSFJORD", false},
	{"5616", 1, "9590 HASVIK", false},
	{"5618", 1.2, "9690 HAVØYSUND", false},
	{"5620", 3.1, "9750 HONNINGSVÅG", false},
	{"5622", 3.9, "9700 LAKSELV", true},
	{"5624", 1.3, "9740 LEBESBY;9790 KJØLLEFJORD", false},
	{"5626", 1.1, "9770 MEHAMN", false},
	{"5628", 2.8, "9845 TANA", true},
	{"5630", 0.95, "9980 BERLEVÅG", false},
	{"5632", 2.2, "9990 BÅTSFJORD", false},
	{"5634", 2, "9950 VARDØ", false},
	{"5636", 0.9, "9840 VARANGERBOTN", true},
}

// districtDef is an urban district of SSB KLASS 103 in one of the four
// cities. A district with service false is geographical only: addresses in
// it are served by the district at serviceCode.
type districtDef struct {
	code    string
	name    string
	service bool
	// serviceCode is set for geographical-only districts (INFERENCE, see the
	// package comment); areas may override it.
	serviceCode string
	pop         float64 // draw weight, thousands
	post        string  // postal codes and towns, as in muniDef.post
	// areas are neighbourhood names used for basic statistical units.
	// "Name>030107" makes the area's service district 030107.
	areas string
}

// cityDistricts holds the districts of Oslo, Bergen, Trondheim and
// Stavanger, keyed by municipality number.
var cityDistricts = map[string][]districtDef{
	"0301": {
		{"030101", "Gamle Oslo", true, "", 63, "0650-0660 OSLO;0190-0196 OSLO", "Grønland;Tøyen;Kampen;Vålerenga;Gamlebyen;Ensjø"},
		{"030102", "Grünerløkka", true, "", 64, "0550-0570 OSLO", "Grünerløkka;Sofienberg;Rodeløkka;Carl Berner;Hasle;Sinsen"},
		{"030103", "Sagene", true, "", 47, "0450-0477 OSLO", "Sagene;Torshov;Bjølsen;Sandaker;Iladalen"},
		{"030104", "St. Hanshaugen", true, "", 40, "0165-0178 OSLO;0350-0358 OSLO", "St. Hanshaugen;Bislett;Fagerborg;Adamstuen;Ila"},
		{"030105", "Frogner", true, "", 60, "0250-0275 OSLO", "Frogner;Majorstuen;Skillebekk;Briskeby;Uranienborg;Bygdøy"},
		{"030106", "Ullern", true, "", 35, "0276-0283 OSLO;0380-0383 OSLO", "Ullern;Montebello;Skøyen;Lilleaker;Bestum"},
		{"030107", "Vestre Aker", true, "", 51, "0370-0379 OSLO;0750-0791 OSLO", "Røa;Vinderen;Slemdal;Holmenkollen;Voksen;Hovseter"},
		{"030108", "Nordre Aker", true, "", 53, "0850-0891 OSLO;0484-0491 OSLO", "Tåsen;Nydalen;Kjelsås;Grefsen;Korsvoll;Ullevål"},
		{"030109", "Bjerke", true, "", 35, "0580-0598 OSLO", "Økern;Årvoll;Veitvet;Linderud;Risløkka"},
		{"030110", "Grorud", true, "", 28, "0950-0958 OSLO", "Grorud;Ammerud;Romsås;Kalbakken;Rødtvet"},
		{"030111", "Stovner", true, "", 34, "0980-0988 OSLO", "Stovner;Vestli;Haugenstua;Rommen;Fossum"},
		{"030112", "Alna", true, "", 50, "1051-1089 OSLO;0667-0679 OSLO", "Furuset;Lindeberg;Tveita;Haugerud;Trosterud;Hellerud"},
		{"030113", "Østensjø", true, "", 51, "0680-0694 OSLO", "Bøler;Oppsal;Manglerud;Godlia;Skullerud;Abildsø"},
		{"030114", "Nordstrand", true, "", 53, "1150-1189 OSLO", "Nordstrand;Lambertseter;Ljan;Bekkelaget;Ekeberg;Munkerud"},
		{"030115", "Søndre Nordstrand", true, "", 39, "1200-1295 OSLO", "Holmlia;Mortensrud;Bjørndal;Hauketo;Prinsdal"},
		{"030116", "Sentrum", false, "030104", 1.5, "0150-0164 OSLO", "Kvadraturen;Vika;Aker brygge"},
		{"030117", "Marka", false, "030107", 1.5, "0758 OSLO;0890-0891 OSLO", "Sørkedalen>030107;Maridalen>030108;Lillomarka>030110;Østmarka>030113"},
	},
	"4601": {
		{"460101", "Arna", true, "", 14, "5260-5265 INDRE ARNA", "Indre Arna;Ytre Arna;Espeland;Garnes"},
		{"460102", "Bergenhus", true, "", 43, "5003-5018 BERGEN;5035-5039 BERGEN", "Nordnes;Sandviken;Møhlenpris;Nygårdshøyden;Kalfaret"},
		{"460103", "Fana", true, "", 42, "5221 NESTTUN;5231-5232 PARADIS;5236-5239 RÅDAL;5243 FANA", "Nesttun;Paradis;Rådal;Skjold;Hop"},
		{"460104", "Fyllingsdalen", true, "", 31, "5141-5147 FYLLINGSDALEN", "Fyllingsdalen;Oasen;Varden;Spelhaugen"},
		{"460105", "Laksevåg", true, "", 41, "5160-5165 LAKSEVÅG;5171-5179 LODDEFJORD", "Laksevåg;Loddefjord;Olsvik;Kjøkkelvik;Damsgård"},
		{"460106", "Ytrebygda", true, "", 30, "5251-5252 SØREIDGREND;5253-5254 SANDSLI;5257 KOKSTAD;5258 BLOMSTERDALEN;5259 HJELLESTAD", "Sandsli;Kokstad;Blomsterdalen;Flesland;Hjellestad"},
		{"460107", "Årstad", true, "", 41, "5053-5068 BERGEN", "Minde;Landås;Solheim;Fridalen;Kronstad"},
		{"460108", "Åsane", true, "", 47, "5104-5109 EIDSVÅG;5111-5119 BREISTEIN;5131-5136 NYBORG", "Eidsvåg;Ulset;Tertnes;Flaktveit;Myrdal"},
	},
	"5001": {
		{"500101", "Midtbyen", true, "", 47, "7010-7016 TRONDHEIM;7030-7034 TRONDHEIM", "Midtbyen;Ila;Bakklandet;Møllenberg;Øya"},
		{"500102", "Østbyen", true, "", 53, "7040-7052 TRONDHEIM;7053-7058 RANHEIM", "Lade;Strindheim;Ranheim;Jakobsli;Charlottenlund"},
		{"500103", "Lerkendal", true, "", 56, "7020-7029 TRONDHEIM;7035-7039 TRONDHEIM", "Lerkendal;Nardo;Moholt;Byåsen;Singsaker"},
		{"500104", "Heimdal", true, "", 58, "7080 HEIMDAL;7081 SJETNEMARKA;7091-7092 TILLER;7097-7098 SAUPSTAD;7540 KLÆBU", "Heimdal;Tiller;Saupstad;Kattem;Byneset;Klæbu"},
	},
	"1103": {
		{"110301", "Hundvåg", true, "", 16, "4077 HUNDVÅG;4083 HUNDVÅG;4085 HUNDVÅG", "Hundvåg;Buøy;Austre Åmøy"},
		{"110302", "Tasta", true, "", 17, "4025-4029 STAVANGER", "Tasta;Kvernevik;Revheim"},
		{"110303", "Eiganes og Våland", true, "", 24, "4005 STAVANGER;4008-4010 STAVANGER;4022-4024 STAVANGER", "Eiganes;Våland;Bjergsted;Kampen"},
		{"110304", "Madla", true, "", 22, "4041-4049 HAFRSFJORD", "Madla;Hafrsfjord;Sunde;Madlamark"},
		{"110305", "Storhaug", true, "", 18, "4006 STAVANGER;4012-4015 STAVANGER;4076 VASSØY", "Storhaug;Lagård;Paradis"},
		{"110306", "Hillevåg", true, "", 20, "4016-4017 STAVANGER;4019 STAVANGER;4021 STAVANGER", "Hillevåg;Bekkefaret;Godeset"},
		{"110307", "Hinna", true, "", 23, "4018 STAVANGER;4020 STAVANGER;4031-4034 STAVANGER", "Hinna;Gausel;Jåttå;Forus"},
	},
}

// areaNames are used for basic statistical units outside the four cities.
var areaNames = []string{
	"Sentrum", "Nordbyen", "Sørbyen", "Vestbyen", "Østbyen", "Haugen", "Bakken", "Løkka",
	"Moen", "Sletta", "Åsen", "Lia", "Skogen", "Vika", "Bukta", "Neset", "Holmen", "Øvre Dal",
	"Nedre Dal", "Stranda", "Kirkebakken", "Stasjonsbyen", "Fjellet", "Engen", "Berg", "Myra",
	"Elvebakken", "Hagen", "Tangen", "Voll",
}

// postal is one postal code with its post town.
type postal struct {
	code string
	city string
}

// area is a basic statistical unit (grunnkrets) with its postal code and,
// in the four cities, its districts.
type area struct {
	unitNumber string // 8 digits
	unitName   string
	post       postal
	geo        int16 // index into municipality.districts, -1 outside the cities
	service    int16 // index into municipality.districts of the serving district
}

// district is an urban district after parsing.
type district struct {
	code, name string
	service    bool
}

// municipality is a row of municipalityTable after parsing.
type municipality struct {
	number     string
	name       string // KLASS name with parallel names
	plain      string // the Norwegian part, for generated text
	county     int    // index into counties
	pop        float64
	sami       bool
	nynorsk    bool
	districts  []district
	areas      []area
	cumAreaPop []float64 // cumulative area weights, for drawing an area
	streets    []uint16  // indices into streetStems used here
}

// geography is the parsed place data, shared by every population.
type geography struct {
	munis   []municipality
	cumPop  []float64 // cumulative municipality weights
	byNum   map[string]int
	cities  []int // Oslo, Bergen, Trondheim, Stavanger: young adults move there
	samiIdx []int // the Sámi language area
}

// geo is built once at package initialisation; the tables are constants, so
// a parse error is a programming error caught by the tests (buildGeography
// is also called from them).
var geo = mustGeography()

func mustGeography() *geography {
	g, err := buildGeography()
	if err != nil {
		panic(err) // the tables are compiled in; TestGeography reports the same error
	}
	return g
}

// nynorskCounties are the counties where streets are "-vegen" and KRR
// language nn is common.
var nynorskCounties = map[string]bool{"46": true, "15": true}

// buildGeography parses the tables.
func buildGeography() (*geography, error) {
	g := &geography{byNum: make(map[string]int)}
	countyIdx := make(map[string]int)
	for i, c := range counties {
		countyIdx[c.number] = i
	}
	used := make(map[string]string) // postal code -> municipality number
	var derive []int
	for _, d := range municipalityTable {
		ci, ok := countyIdx[d.number[:2]]
		if !ok {
			return nil, fmt.Errorf("synthetic: municipality %s: no county %s", d.number, d.number[:2])
		}
		name, ok := municipalities.Name(d.number)
		if !ok {
			return nil, fmt.Errorf("synthetic: municipality %s: not in the register", d.number)
		}
		m := municipality{
			number:  d.number,
			name:    name,
			plain:   plainName(name),
			county:  ci,
			pop:     d.pop,
			sami:    d.sami,
			nynorsk: nynorskCounties[d.number[:2]] && d.number != "4601",
		}
		if dd, ok := cityDistricts[d.number]; ok {
			if err := m.addDistricts(dd, used); err != nil {
				return nil, err
			}
		} else if d.post != "" {
			posts, err := parsePost(d.post)
			if err != nil {
				return nil, fmt.Errorf("synthetic: municipality %s: %w", d.number, err)
			}
			if err := claim(used, posts, d.number); err != nil {
				return nil, err
			}
			m.addPlainAreas(posts)
		} else {
			derive = append(derive, len(g.munis))
		}
		if _, dup := g.byNum[d.number]; dup {
			return nil, fmt.Errorf("synthetic: municipality %s listed twice", d.number)
		}
		g.byNum[d.number] = len(g.munis)
		g.munis = append(g.munis, m)
	}
	// Derived codes come after every listed code is claimed, so they never
	// take a real code of another municipality in the table.
	for _, i := range derive {
		m := &g.munis[i]
		c := counties[m.county]
		n, _ := strconv.Atoi(m.number)
		span := (c.postHi - c.postLo + 1) / 10
		start := (n * 7919) % span
		code := ""
		for k := range span {
			cand := fmt.Sprintf("%04d", c.postLo+((start+k)%span)*10)
			if _, taken := used[cand]; !taken {
				code = cand
				break
			}
		}
		if code == "" {
			return nil, fmt.Errorf("synthetic: municipality %s: no free postal code in %d–%d", m.number, c.postLo, c.postHi)
		}
		p := []postal{{code, strings.ToUpper(m.plain)}}
		used[code] = m.number
		m.addPlainAreas(p)
	}
	generic := make([]uint16, len(genericStreets))
	for k := range generic {
		generic[k] = uint16(k)
	}
	cityFirst := map[string]int{}
	next := len(genericStreets)
	for _, c := range cityOrder {
		cityFirst[c] = next
		next += len(cityStreets[c])
	}
	for i := range g.munis {
		m := &g.munis[i]
		m.streets = generic
		if first, ok := cityFirst[m.number]; ok {
			m.streets = slices.Clone(generic)
			for k := range cityStreets[m.number] {
				m.streets = append(m.streets, uint16(first+k))
			}
		}
	}
	total := 0.0
	for i := range g.munis {
		total += g.munis[i].pop
		g.cumPop = append(g.cumPop, total)
		if g.munis[i].sami {
			g.samiIdx = append(g.samiIdx, i)
		}
	}
	for _, n := range []string{"0301", "4601", "5001", "1103"} {
		g.cities = append(g.cities, g.byNum[n])
	}
	return g, nil
}

// claim records posts as used by municipality num, refusing a code that
// another municipality already has.
func claim(used map[string]string, posts []postal, num string) error {
	for _, p := range posts {
		if other, ok := used[p.code]; ok && other != num {
			return fmt.Errorf("synthetic: postal code %s in both %s and %s", p.code, other, num)
		}
		used[p.code] = num
	}
	return nil
}

// addDistricts builds the areas of a city from its districts: one basic
// statistical unit per neighbourhood, numbered municipality + district
// suffix + running number.
func (m *municipality) addDistricts(defs []districtDef, used map[string]string) error {
	index := make(map[string]int16)
	for i, d := range defs {
		m.districts = append(m.districts, district{code: d.code, name: d.name, service: d.service})
		index[d.code] = int16(i)
	}
	total := 0.0
	for i, d := range defs {
		posts, err := parsePost(d.post)
		if err != nil {
			return fmt.Errorf("synthetic: district %s: %w", d.code, err)
		}
		if err := claim(used, posts, m.number); err != nil {
			return err
		}
		names := strings.Split(d.areas, ";")
		for k, nm := range names {
			service := int16(i)
			if !d.service {
				service = index[d.serviceCode]
			}
			if name, code, ok := strings.Cut(nm, ">"); ok {
				nm = name
				service = index[code]
			}
			w := d.pop / float64(len(names))
			total += w
			m.areas = append(m.areas, area{
				unitNumber: fmt.Sprintf("%s%s%02d", m.number, d.code[4:], k+1),
				unitName:   nm,
				post:       posts[(k*7)%len(posts)],
				geo:        int16(i),
				service:    service,
			})
			m.cumAreaPop = append(m.cumAreaPop, total)
		}
	}
	return nil
}

// addPlainAreas builds the basic statistical units of a municipality
// without urban districts: more units in larger places, each with one of the
// municipality's postal codes.
func (m *municipality) addPlainAreas(posts []postal) {
	n := int(m.pop/4) + 2
	n = min(n, 24)
	n = max(n, len(posts))
	n = min(n, 40)
	num, _ := strconv.Atoi(m.number)
	total := 0.0
	for k := range n {
		name := areaNames[(num+k*7)%len(areaNames)]
		if k == 0 {
			name = "Sentrum"
		}
		w := 1.0
		if k == 0 {
			w = 2 // the centre is denser
		}
		total += w
		m.areas = append(m.areas, area{
			unitNumber: fmt.Sprintf("%s%02d%02d", m.number, k/4+1, k%4+1),
			unitName:   name,
			post:       posts[k%len(posts)],
			geo:        -1,
			service:    -1,
		})
		m.cumAreaPop = append(m.cumAreaPop, total)
	}
	// Area names must be unique within a municipality to read well.
	seen := make(map[string]int)
	for i := range m.areas {
		nm := m.areas[i].unitName
		seen[nm]++
		if seen[nm] > 1 {
			m.areas[i].unitName = fmt.Sprintf("%s %d", nm, seen[nm])
		}
	}
}

// parsePost reads "1337-1338 SANDVIKA;1340 SKUI".
func parsePost(s string) ([]postal, error) {
	var out []postal
	for part := range strings.SplitSeq(s, ";") {
		codes, city, ok := strings.Cut(strings.TrimSpace(part), " ")
		if !ok || city == "" {
			return nil, fmt.Errorf("postal entry %q: want \"code TOWN\"", part)
		}
		lo, hi, isRange := strings.Cut(codes, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || len(lo) != 4 {
			return nil, fmt.Errorf("postal entry %q: bad code", part)
		}
		b := a
		if isRange {
			b, err = strconv.Atoi(hi)
			if err != nil || len(hi) != 4 || b < a {
				return nil, fmt.Errorf("postal entry %q: bad range", part)
			}
		}
		for c := a; c <= b; c++ {
			out = append(out, postal{fmt.Sprintf("%04d", c), city})
		}
	}
	return out, nil
}

// plainName returns the Norwegian part of an official name: "Trondheim -
// Tråante" gives "Trondheim", "Guovdageaidnu - Kautokeino" gives
// "Kautokeino", "Herøy (Nordland)" gives "Herøy".
func plainName(name string) string {
	if i := strings.Index(name, " ("); i > 0 {
		name = name[:i]
	}
	parts := strings.Split(name, " - ")
	if len(parts) == 1 {
		return name
	}
	if p, ok := samiFirst[name]; ok {
		return parts[p]
	}
	return parts[0]
}

// samiFirst gives, for names whose first part is not the Norwegian one, the
// index of the Norwegian part.
var samiFirst = map[string]int{
	"Aarborte - Hattfjelldal":        1,
	"Hábmer - Hamarøy":               1,
	"Snåase - Snåsa":                 1,
	"Raarvihke - Røyrvik":            1,
	"Dielddanuorri - Tjeldsund":      1,
	"Loabák - Lavangen":              1,
	"Gáivuotna - Kåfjord - Kaivuono": 1,
	"Kárášjohka - Karasjok":          1,
	"Guovdageaidnu - Kautokeino":     1,
	"Deatnu - Tana":                  1,
	"Unjárga - Nesseby":              1,
}

// pickMunicipality draws a municipality by population.
func (g *geography) pickMunicipality(x float64) int {
	return searchCum(g.cumPop, x*g.cumPop[len(g.cumPop)-1])
}

// pickArea draws a basic statistical unit of municipality m.
func (m *municipality) pickArea(x float64) int {
	return searchCum(m.cumAreaPop, x*m.cumAreaPop[len(m.cumAreaPop)-1])
}

// searchCum returns the first index whose cumulative weight exceeds v.
func searchCum(cum []float64, v float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > v {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
