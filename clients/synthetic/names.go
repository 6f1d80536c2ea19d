package synthetic

import "strings"

// Name tables. Given names follow the most common names of each birth
// cohort in Norway (after SSB's name statistics, from memory of the
// published top lists); family names are the common Norwegian surnames in
// roughly descending frequency. Draw weights fall with rank (Zipf-like), so
// the first names of each list are much more common than the last.

// nameEra is a birth-year range with its given names.
type nameEra struct {
	until            int // last birth year of the era
	female, male     []string
	secondF, secondM []string // common second parts of double given names
}

var nameEras = []nameEra{
	{
		until: 1944,
		female: words("Anna Marie Ingrid Kari Astrid Johanne Margit Solveig Bjørg Inger Else Gerd Liv Ruth Karen " +
			"Ragnhild Randi Kirsten Aase Reidun Gunvor Signe Borghild Ella Olga Jenny Gudrun Ester Berit Synnøve " +
			"Magnhild Sigrid Aslaug Dagny Turid Eva Helga Martha Ida Hjørdis"),
		male: words("Ole Olav Johan Arne Hans Per Kjell Knut Einar Odd Nils Harald Rolf Jan Bjørn Ragnar Sverre " +
			"Leif Karl Egil Gunnar Reidar Tor Arvid Thorvald Erling Alf Finn Helge Svein Asbjørn Magne Petter " +
			"Martin Kristian Sigurd Halvor Trygve Ivar Oddvar"),
		secondF: words("Marie Margrethe Elisabeth Kristine Helene"),
		secondM: words("Olav Johan Martin Kristian Andreas"),
	},
	{
		until: 1964,
		female: words("Anne Kari Inger Marit Randi Liv Ingrid Berit Grete Bjørg Astrid Solveig Hilde Eva Gro Wenche " +
			"Tove Sissel Elin Unni Turid Karin Heidi Bente Else Torill Anita Ellen Kirsten Aud Laila Gunn Reidun " +
			"Mona Hege Vigdis Grethe Nina Sidsel Ragnhild"),
		male: words("Jan Per Bjørn Ole Lars Kjell Knut Svein Arne Tor Geir Terje Hans Odd Rune Steinar Trond Morten " +
			"Tore Erik Rolf Helge Olav Harald Øyvind Einar Leif Jon Egil Nils Stein Dag Gunnar Frode Roar Tom " +
			"Magne Arild Asbjørn Johan"),
		secondF: words("Marie Lise Margrethe Elisabeth Karin"),
		secondM: words("Olav Erik Martin Kristian Arne"),
	},
	{
		until: 1984,
		female: words("Anne Marianne Kristin Hilde Silje Camilla Heidi Linda Ingrid Tone Line Elin Hanne Trine Ingvild " +
			"Kristine Anette Lene Monica Nina Marit Cecilie Mette Siv Randi Tonje Kari Gro Ida Lise Stine " +
			"Karianne Tina Vibeke Janne Marte Hege Susanne Merete Ragnhild"),
		male: words("Thomas Kristian Martin Morten Lars Espen Anders Jan Stian Geir Trond Erik Per Tor Andreas Ole " +
			"Christian Rune Kjetil Eirik Bjørn Frode Terje Hans Marius Daniel Øyvind Jørgen Magnus Henrik Tommy " +
			"Vegard Sindre Knut Arne Jon Steffen Petter Alexander Håkon"),
		secondF: words("Marie Helene Kristin Elisabeth Sofie"),
		secondM: words("Martin Kristian Andreas Erik Petter"),
	},
	{
		until: 2004,
		female: words("Ida Kristine Julie Thea Silje Ingrid Marte Emilie Sara Maria Nora Hanna Camilla Martine Karoline " +
			"Amalie Tonje Stine Marthe Malin Maren Linnea Helene Caroline Andrea Mari Kaja Sofie Vilde Frida Guro " +
			"Elise Anne Jenny Mathilde Synne Hedda Tuva Oda"),
		male: words("Martin Kristian Andreas Markus Jonas Mathias Daniel Sander Thomas Tobias Magnus Fredrik Henrik " +
			"Alexander Sondre Marius Eirik Kristoffer Christian Petter Sebastian Simen Jørgen Even Håkon Emil " +
			"Vegard Adrian Joakim Erik Ole Anders Sindre Espen Stian Mats Herman Jakob Elias Lars"),
		secondF: words("Marie Sofie Helene Kristine Elise"),
		secondM: words("Andreas Martin Kristian Magnus Johan"),
	},
	{
		until: 9999,
		female: words("Nora Emma Sara Sofie Olivia Ella Maja Ingrid Emilie Leah Frida Thea Ida Hedda Linnea Amalie " +
			"Vilde Tiril Hanna Selma Iben Astrid Sofia Alma Aurora Nova Julie Mathilde Ada Mia Eva Luna Ellinor " +
			"Live Tuva Hennie Marie Signe Oline Kaia"),
		male: words("Jakob Lucas Emil Oliver Noah Filip William Theodor Henrik Isak Aksel Mathias Elias Magnus " +
			"Tobias Liam Jonas Sander Olav Johannes Ludvig Leon Kasper Odin Matheo Even Herman Sebastian Adrian " +
			"Mikkel Johan Viktor Alfred Håkon Markus Benjamin Iver Storm Ulrik Teodor"),
		secondF: words("Marie Sofie Emilie Elise Olivia"),
		secondM: words("Johan Olav Alexander Emil Andreas"),
	},
}

// familyNames are common Norwegian surnames, most common first.
var familyNames = words("Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen " +
	"Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Halvorsen Henriksen " +
	"Lund Sørensen Jakobsen Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen " +
	"Bakken Kristoffersen Mathisen Lie Amundsen Rasmussen Lunde Solheim Berntsen Nygård Bakke Kristensen " +
	"Moe Fredriksen Holm Lien Hauge Christensen Andresen Nielsen Knudsen Evensen Sæther Aas Myhre Hanssen " +
	"Haugland Thomassen Sivertsen Simonsen Danielsen Berge Mikkelsen Næss Tangen Aasen Engen Vik Brekke " +
	"Ødegård Sandvik Rønning Ellingsen Isaksen Hovland Antonsen Ruud Gulbrandsen Birkeland Hermansen " +
	"Jenssen Edvardsen Nordby Myklebust Thorsen Tveit Helland Wold Hoel Mikalsen Tollefsen Ødegaard Haug " +
	"Eliassen Gjerde Torgersen Lorentzen Aune Sandberg Strøm Nilssen Vold Fjeld Bjerke Abrahamsen " +
	"Gabrielsen Eggen Løken Kvam Rød Bråthen Nordli Dale Foss Kvale Brandt Ness Holmen Viken Rosland " +
	"Midtbø Stene Fossum Bye Hammer Fosse Helle Tvedt Kolstad Hoff Sletten Aarseth Steen Sundby Husby " +
	"Aamodt Ulvestad Nyhus Haraldsen Lindberg Bøe Skogen Våge Dahle Larssen Jonassen Rustad Bjørnstad " +
	"Olaussen Sunde Grønli Tønnessen Vestby Økland Wiik Andersson Bergum Skaug Frantzen Hovde Thoresen " +
	"Øien Lyngstad Fagerli Kleven Reitan Solli Heggen Lervik Mo Torp Hegge Farstad Sørlie Myrvang " +
	"Haugan Sletvold Kvalheim Grimstad Refsnes Vatne Nesheim Hatlen Aasland Bergstrøm Sælen Ulriksen " +
	"Tangvald Støle Kleppe Johannesen Hellesø Valen Mjelde Skjelbred Fjellheim Rye Nordvik Kaasa")

// hyphenable are surnames often first in double-barrelled names.
var hyphenable = words("Berg Dahl Lund Moe Holm Lie Strand Hauge Vik Foss Bakke Aas Wiik Ness")

// origin is a country of birth or citizenship other than Norway, with the
// names, cities and street names used for its people and addresses.
type origin struct {
	alpha3, alpha2 string
	immigrants     float64 // weight among immigrants to Norway
	workers        float64 // weight among D-number holders
	emigrants      float64 // weight as a destination of emigrants from Norway
	female, male   []string
	family         []string
	cities         []string
	streets        []string
	// femaleForm turns a male family name into the female form
	// (Polish -ski/-ska, Lithuanian -as/-ienė).
	femaleForm func(string) string
}

// norway is the index of Norway in the country table used for citizenship
// and birth; it is not in origins.
const norwayAlpha3 = "NOR"

var origins = []origin{
	{"POL", "PL", 20, 30, 1, words("Anna Katarzyna Agnieszka Magdalena Joanna Monika Aleksandra Natalia Ewa Karolina"),
		words("Piotr Tomasz Paweł Krzysztof Michał Marcin Jakub Łukasz Adam Kamil"),
		words("Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski"),
		lines("Warszawa;Kraków;Gdańsk;Wrocław;Poznań;Łódź;Szczecin"), lines("ul. Długa;ul. Kwiatowa;ul. Polna;ul. Leśna;ul. Słoneczna"), polishFemale},
	{"LTU", "LT", 8, 15, 0, words("Rūta Jurgita Inga Asta Laura Greta Agnė"),
		words("Tomas Mindaugas Darius Andrius Jonas Marius Paulius"),
		words("Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus"),
		lines("Vilnius;Kaunas;Klaipėda;Šiauliai"), lines("Gedimino pr.;Laisvės al.;Vilniaus g.;Taikos pr."), lithuanianFemale},
	{"SWE", "SE", 8, 15, 25, words("Anna Maria Emma Linnea Sara Karin Elin"),
		words("Erik Lars Karl Johan Anders Oskar Nils"),
		words("Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson"),
		lines("Stockholm;Göteborg;Malmö;Uppsala;Karlstad"), lines("Storgatan;Kungsgatan;Drottninggatan;Järnvägsgatan"), nil},
	{"DNK", "DK", 3, 4, 8, words("Mette Camilla Sofie Ida Louise"),
		words("Søren Mads Rasmus Frederik Jens"),
		words("Nielsen Jensen Hansen Pedersen Madsen Rasmussen"),
		lines("København;Aarhus;Odense;Aalborg"), lines("Vestergade;Nørregade;Østergade;Søndergade"), nil},
	{"DEU", "DE", 5, 6, 5, words("Julia Katharina Lena Anna Sabine Petra"),
		words("Thomas Michael Stefan Andreas Jan Lukas"),
		words("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker"),
		lines("Berlin;Hamburg;München;Köln;Dresden"), lines("Hauptstraße;Bahnhofstraße;Gartenstraße;Schulstraße"), nil},
	{"GBR", "GB", 3, 4, 8, words("Sarah Emma Laura Rachel"),
		words("James David Daniel Thomas"),
		words("Smith Jones Taylor Brown Williams Wilson"),
		lines("London;Manchester;Edinburgh;Bristol;Aberdeen"), lines("High Street;Station Road;Church Lane;Park Road"), nil},
	{"USA", "US", 2, 2, 7, words("Jennifer Jessica Ashley Emily"),
		words("Michael Christopher Matthew Joshua"),
		words("Johnson Miller Davis Anderson Peterson Olson"),
		lines("Minneapolis;Seattle;New York;Houston;Chicago"), lines("Main Street;Oak Avenue;Maple Drive;Lake Street"), nil},
	{"ESP", "ES", 1, 3, 12, words("Lucía María Carmen Laura"),
		words("Javier Carlos Pablo David"),
		words("García Fernández González Rodríguez López"),
		lines("Alicante;Málaga;Barcelona;Madrid;Torrevieja"), lines("Calle Mayor;Avenida del Mar;Calle Real;Calle Sol"), nil},
	{"FIN", "FI", 1, 3, 3, words("Anna Maria Liisa Aino"),
		words("Mikko Juha Jari Timo"),
		words("Korhonen Virtanen Mäkinen Nieminen"),
		lines("Helsinki;Tampere;Turku;Oulu"), lines("Kauppakatu;Koulukatu;Rantatie;Puistokatu"), nil},
	{"UKR", "UA", 7, 8, 0, words("Olena Iryna Natalia Oksana Kateryna Yulia"),
		words("Oleksandr Andrii Serhii Dmytro Volodymyr Mykola"),
		words("Shevchenko Bondarenko Kovalenko Tkachenko Kravchenko Melnyk Boiko Oliinyk"),
		lines("Kyiv;Kharkiv;Lviv;Odesa;Dnipro"), lines("vul. Shevchenka;vul. Sadova;vul. Lesi Ukrainky"), nil},
	{"SYR", "SY", 8, 0, 0, words("Fatima Aya Rania Lina Nour Hiba Rasha"),
		words("Mohammad Ahmad Omar Khaled Ali Hassan Mahmoud"),
		words("Haddad Hamdan Khalil Saleh Mansour Youssef Darwish"),
		lines("Aleppo;Damascus;Homs;Latakia"), lines("Baghdad Street;Al-Thawra Street"), nil},
	{"SOM", "SO", 6, 0, 0, words("Fadumo Hodan Amina Sahra Ifrah Hawa Khadra"),
		words("Abdirahman Mohamed Abdullahi Ahmed Hassan Omar Yusuf"),
		words("Mohamed Ali Hassan Abdi Ahmed Warsame Farah Osman Jama"),
		lines("Mogadishu;Hargeisa;Kismayo"), lines("Maka al-Mukarama Road"), nil},
	{"ERI", "ER", 5, 0, 0, words("Helen Senait Selam Yordanos Meron Saba"),
		words("Yonas Daniel Samuel Filmon Tesfay Mussie"),
		words("Tesfamariam Gebremedhin Haile Berhane Tekle Ghebreyesus Kidane"),
		lines("Asmara;Keren;Massawa"), lines("Harnet Avenue"), nil},
	{"PAK", "PK", 5, 0, 0, words("Ayesha Fatima Sana Amina Nadia Saima Hina"),
		words("Muhammad Imran Ali Usman Bilal Asif Kamran"),
		words("Khan Ahmed Iqbal Hussain Butt Malik Chaudhry Raza Akhtar"),
		lines("Lahore;Karachi;Islamabad;Rawalpindi;Kharian"), lines("Mall Road;GT Road"), nil},
	{"IRQ", "IQ", 5, 0, 0, words("Zainab Noor Sara Maryam Huda"),
		words("Ali Hussein Ahmed Mustafa Karim"),
		words("Hassan Abdullah Karim Salih Rashid Jabouri"),
		lines("Baghdad;Erbil;Mosul;Basra;Sulaymaniyah"), lines("Al-Rasheed Street"), nil},
	{"AFG", "AF", 4, 0, 0, words("Mariam Fatema Zahra Shabnam Nilofar"),
		words("Ahmad Mohammad Ali Mustafa Hamid"),
		words("Ahmadi Hashimi Rahimi Sultani Noori Hakimi Karimi"),
		lines("Kabul;Herat;Mazar-e Sharif;Kandahar"), lines("Darul Aman Road"), nil},
	{"VNM", "VN", 4, 0, 0, words("Linh Thu Huong Mai Lan Trang"),
		words("Minh Tuan Duc Hung Nam Long"),
		words("Nguyen Tran Le Pham Hoang Vu Dang Bui"),
		lines("Hanoi;Ho Chi Minh City;Da Nang;Hue"), lines("Le Loi;Tran Hung Dao"), nil},
	{"PHL", "PH", 5, 3, 0, words("Maria Ana Kristine Jennifer Marites Rowena"),
		words("Jose Mark John Ronald Ramon"),
		words("Santos Reyes Cruz Bautista Garcia Mendoza Ramos"),
		lines("Manila;Cebu City;Davao City;Quezon City"), lines("Rizal Avenue;Mabini Street"), nil},
	{"THA", "TH", 4, 2, 2, words("Siriporn Nittaya Pranee Kanokwan Suda"),
		words("Somchai Somsak Anan Chai"),
		words("Saetang Srisuk Chaiyaporn Wongsawat Boonmee"),
		lines("Bangkok;Udon Thani;Khon Kaen;Chiang Mai"), lines("Sukhumvit Road;Rama IV Road"), nil},
	{"AUS", "AU", 0, 0, 4, words("Olivia Charlotte Amelia"),
		words("Jack William Noah"),
		words("Smith Jones Williams Brown"),
		lines("Sydney;Melbourne;Perth;Brisbane"), lines("George Street;Queen Street"), nil},
}

// familyFor returns fam in the form for a man or a woman of origin o.
func familyFor(o *origin, fam string, female bool) string {
	if o.femaleForm == nil {
		return fam
	}
	fam = maleForm(fam)
	if female {
		return o.femaleForm(fam)
	}
	return fam
}

// maleForm undoes polishFemale and lithuanianFemale.
func maleForm(s string) string {
	for _, f := range [][2]string{{"ska", "ski"}, {"cka", "cki"}, {"ienė", "as"}} {
		if strings.HasSuffix(s, f[0]) {
			return strings.TrimSuffix(s, f[0]) + f[1]
		}
	}
	return s
}

// polishFemale gives the female form of a Polish surname.
func polishFemale(s string) string {
	switch {
	case strings.HasSuffix(s, "ski"):
		return strings.TrimSuffix(s, "ski") + "ska"
	case strings.HasSuffix(s, "cki"):
		return strings.TrimSuffix(s, "cki") + "cka"
	}
	return s
}

// lithuanianFemale gives the married female form of a Lithuanian surname.
func lithuanianFemale(s string) string {
	for _, suf := range []string{"ius", "as", "us"} {
		if strings.HasSuffix(s, suf) {
			return strings.TrimSuffix(s, suf) + "ienė"
		}
	}
	return s
}

// genericStreets are common Norwegian street names, used everywhere;
// "veien" becomes "vegen" in nynorsk municipalities.
var genericStreets = words("Storgata Kirkegata Kirkeveien Skolegata Skoleveien Parkveien Strandveien Sjøgata " +
	"Jernbanegata Stasjonsveien Torggata Rådhusgata Nygata Markveien Bakkeveien Åsveien Granveien Furuveien " +
	"Bjørkeveien Eikeveien Lindeveien Rognveien Hasselveien Liveien Solveien Fjellveien Sjøveien Havnegata " +
	"Brugata Elvegata Elveveien Industriveien Løkkeveien Ringveien Fjordveien Tollbugata Kongsveien " +
	"Holmenveien Engveien Hageveien Blomsterveien Tunveien Gårdsveien Myrveien Skogveien Lyngveien Einerveien " +
	"Kløverveien Rosenveien Tulipanveien Sandveien Steinveien Teglverksveien Møllebakken Møllegata Sagveien " +
	"Smieveien Prestegårdsveien Kirkebakken Nordre gate Søndre gate Østre gate Vestre gate Dronningens gate " +
	"Kongens gate Prinsens gate Olav Tryggvasons gate Haakon VIIs gate Dalsveien Fossveien Bekkeveien " +
	"Vardeveien Haugveien Utsiktsveien Idrettsveien Bjørnstjerne Bjørnsons gate Henrik Ibsens gate " +
	"Ivar Aasens veg Eidsvolls gate Tordenskiolds gate Christian Michelsens gate Fridtjof Nansens vei " +
	"Roald Amundsens vei Camilla Colletts vei Sigrid Undsets vei")

// cityStreets are well-known streets of the four cities, used only there.
var cityStreets = map[string][]string{
	"0301": words("Thorvald Meyers gate Ullevålsveien Trondheimsveien Bygdøy allé Bogstadveien Grensen " +
		"Sognsveien Maridalsveien Grønlandsleiret Frognerveien"),
	"4601": words("Fanaveien Nordåsveien Kalfarveien Sandviksveien Møllendalsveien Fjøsangerveien"),
	"5001": words("Tyholtveien Heimdalsveien Elgeseter gate Innherredsveien Byåsveien"),
	"1103": words("Madlaveien Hillevågsveien Kannikgata Tastaveien Hundvågveien"),
}

// cityOrder fixes the order of cityStreets in streetStems.
var cityOrder = []string{"0301", "4601", "5001", "1103"}

// streetStems are all street names: the generic ones first, then each
// city's; addresses store an index into it.
var streetStems = func() []string {
	out := append([]string(nil), genericStreets...)
	for _, c := range cityOrder {
		out = append(out, cityStreets[c]...)
	}
	return out
}()

// farmNames are used as the additional name of cadastral addresses.
var farmNames = words("Nordre Haugen Søndre Bakke Øvre Lia Nedre Moen Berg Vollan Myrvang Engen Tveit Rustad " +
	"Nordre Vik Søndre Dal Øvre Hagen Nedre Haug Bråten Sletta")

// words splits a space-separated list, keeping multi-word entries joined by
// the known patterns ("Nordre gate", "Haakon VIIs gate"): a word that
// starts lower-case, or is a known connective, belongs to the previous one.
func words(s string) []string {
	var out []string
	for f := range strings.FieldsSeq(s) {
		if len(out) > 0 && (joinsPrevious(f) || farmPrefix(out[len(out)-1])) {
			out[len(out)-1] += " " + f
			continue
		}
		out = append(out, f)
	}
	return out
}

// joinsPrevious reports whether a word continues the previous entry.
func joinsPrevious(f string) bool {
	switch f {
	case "gate", "vei", "veg", "allé", "VIIs", "Tryggvasons", "Meyers", "Bjørnsons", "Ibsens", "Aasens",
		"Michelsens", "Nansens", "Amundsens", "Colletts", "Undsets":
		return true
	}
	return false
}

// farmPrefix reports whether a word starts a two-word farm name.
func farmPrefix(f string) bool {
	switch f {
	case "Nordre", "Søndre", "Øvre", "Nedre":
		return true
	}
	return false
}

// lines splits a ';'-separated list.
func lines(s string) []string { return strings.Split(s, ";") }
