"""Word lists for synthetic data: people, companies, places, products and the phrases of plans.

Everything is invented. Company names are built from a *stem* (a coined brand word or a family
name), a *descriptor* (what the company does) and, for most, a *place* - so the lists stay small
while millions of distinct names come out of them. Every part is one word without a legal-form
suffix, so a name's normalized form (``pipeline.normalize.normalize_name``) can be built from the
parts (see ``names.py``); the tests check that it equals the real normalization.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Aaron Abdul Ada Adam Adrian Aisha Alba Alejandro Alexander Alice Amara Amelia Ana Anders Andrea "
    "Anna Anouk Anton Arjun Astrid Ayla Bas Beatriz Ben Benjamin Bianca Bram Camille Carlos Carmen "
    "Caroline Charlotte Chen Chloe Christian Clara Daan Daniel David Diego Dimitri Ela Elena Elif Elin "
    "Elisa Ella Emil Emily Emma Eric Erik Esra Eva Fatima Felix Femke Finn Florian Francesca Freya "
    "Gabriel Georg Giulia Grace Hana Hannah Hans Harper Hugo Ida Ines Ingrid Isabel Ivan Jack Jakob "
    "James Jan Jana Javier Jesper Joana Johan Jonas Jorge Julia Julian Kai Karin Karl Katarzyna Kenji "
    "Kim Klara Lars Laura Lea Leon Liam Lina Linnea Lisa Lucas Lucia Luis Luka Maja Malik Marco Maria "
    "Marie Mark Marta Martin Mateo Matteo Max Maya Mei Mia Michael Mila Milan Mohammed Nadia Naomi "
    "Nathan Nico Nina Noah Noor Nora Olga Oliver Olivia Omar Oscar Paula Pedro Per Petra Pieter Priya "
    "Rafael Rahul Rania Ravi Rosa Ruben Ruth Sam Samuel Sara Sebastian Selin Sofia Sophie Stefan Sven "
    "Tariq Teresa Thomas Tim Tobias Tomas Valentina Vera Victor Viktor Wei Willem Yara Yusuf Zara Zoe"
)

LAST_NAMES = _words(
    "Andersen Bakker Baptiste Becker Berg Bianchi Blom Boer Brandt Brouwer Bruno Carlsson Castillo "
    "Chen Costa Dahl Dekker Diaz Dijkstra Dubois Eriksen Evans Fernandes Ferrari Fischer Fontaine "
    "Garcia Gomez Greco Hansen Haddad Hartmann Hoffmann Holm Horvat Huber Jansen Jensen Jovanovic "
    "Kaya Keller Khan Kim Klein Koch Kowalski Kruger Larsen Laurent Lambert Lee Lindberg Lindqvist "
    "Lopez Maes Marino Martin Meier Mendes Menon Meyer Moreau Moreno Mulder Muller Murphy Nagy Navarro "
    "Nielsen Novak Nowak Okafor Olsen Patel Peeters Pereira Petersen Petrov Popescu Rahman Ramos "
    "Reyes Richter Rinaldi Rossi Russo Santos Schmidt Schneider Schulz Silva Smit Sorensen Suzuki "
    "Svensson Tan Tanaka Thomsen Torres Varga Vasquez Verhoeven Visser Vos Wagner Walsh Weber Wolf "
    "Wong Yilmaz Zimmermann"
)

#: Coined brand words: prefix + suffix ("Blue" + "crest" → "Bluecrest").
STEM_PREFIXES = _words(
    "Alder Amber Apex Arc Ash Aster Atlas Aurora Azure Beacon Birch Blue Bold Bright Brook Cedar "
    "Clear Cloud Cobalt Copper Coral Crest Crystal Delta Ember Evergreen Falcon Fern Fjord Flint "
    "Forge Fox Frost Galaxy Glen Gold Granite Green Harbor Hawk Helix Horizon Indigo Iron Ivy Jade "
    "Juniper Keystone Lake Lark Linden Lumen Maple Marble Meadow Mesa Mill North Nova Oak Ocean Onyx "
    "Orbit Pine Polar Prism Quartz Raven Red Ridge River Rock Sable Sage Silver Sky Slate Solar "
    "Spark Spring Star Stone Summit Swift Terra Tide Timber True Vale Vector West Willow Wind Zephyr"
)
STEM_SUFFIXES = _words(
    "bay bridge brook crest dale field gate grove haven hill hurst land light line mark mere mont "
    "point port ridge rock shore side stone vale view way well wick wood works"
)

#: What a customer company does: descriptor → industry.
ACCOUNT_DESCRIPTORS: dict[str, str] = {
    "Analytics": "Software",
    "Apparel": "Retail",
    "Assurance": "Insurance",
    "Automotive": "Automotive",
    "Aviation": "Transport & logistics",
    "Bank": "Financial services",
    "Bio": "Life sciences",
    "Biotech": "Life sciences",
    "Brewing": "Food & beverage",
    "Building": "Construction",
    "Cargo": "Transport & logistics",
    "Chemicals": "Chemicals",
    "Clinics": "Healthcare",
    "Construction": "Construction",
    "Dairy": "Food & beverage",
    "Diagnostics": "Healthcare",
    "Electric": "Energy & utilities",
    "Electronics": "Manufacturing",
    "Energy": "Energy & utilities",
    "Engineering": "Manufacturing",
    "Farms": "Agriculture",
    "Finance": "Financial services",
    "Fintech": "Financial services",
    "Foods": "Food & beverage",
    "Freight": "Transport & logistics",
    "Furniture": "Retail",
    "Gas": "Energy & utilities",
    "Health": "Healthcare",
    "Healthcare": "Healthcare",
    "Hospitals": "Healthcare",
    "Hotels": "Hospitality",
    "Housing": "Real estate",
    "Industries": "Manufacturing",
    "Insurance": "Insurance",
    "Investments": "Financial services",
    "Labs": "Life sciences",
    "Leasing": "Financial services",
    "Logistics": "Transport & logistics",
    "Machinery": "Manufacturing",
    "Marine": "Transport & logistics",
    "Media": "Media & publishing",
    "Medical": "Healthcare",
    "Metals": "Manufacturing",
    "Mining": "Mining",
    "Mobility": "Transport & logistics",
    "Motors": "Automotive",
    "Packaging": "Manufacturing",
    "Pharma": "Life sciences",
    "Plastics": "Chemicals",
    "Power": "Energy & utilities",
    "Properties": "Real estate",
    "Publishing": "Media & publishing",
    "Rail": "Transport & logistics",
    "Realty": "Real estate",
    "Renewables": "Energy & utilities",
    "Retail": "Retail",
    "Robotics": "Manufacturing",
    "Seafood": "Food & beverage",
    "Security": "Professional services",
    "Shipping": "Transport & logistics",
    "Solar": "Energy & utilities",
    "Steel": "Manufacturing",
    "Stores": "Retail",
    "Telecom": "Telecommunications",
    "Textiles": "Manufacturing",
    "Tools": "Manufacturing",
    "Trading": "Wholesale",
    "Travel": "Hospitality",
    "Utilities": "Energy & utilities",
    "Water": "Energy & utilities",
    "Wholesale": "Wholesale",
    "Wind": "Energy & utilities",
}

#: What a partner does, by partner kind: descriptors used in its name (disjoint between kinds,
#: so names of different kinds never collide).
PARTNER_DESCRIPTORS: dict[str, tuple[str, ...]] = {
    "isv": ("Software", "Apps", "Labs", "AI", "Analytics", "Platforms"),
    "var": ("IT", "Computing", "Solutions", "Technology"),
    "si": ("Integration", "Digital", "Systems", "Engineering", "Technologies"),
    "msp": ("Hosting", "Operations", "Networks", "Infrastructure", "Datacenters"),
    "distributor": ("Distribution", "Supply", "Trade", "Channel"),
    "technology": ("Cloud", "Compute", "Data", "Silicon", "Quantum"),
    "consulting": ("Consulting", "Advisory", "Partners", "Strategy", "Associates"),
    "research": ("Institute", "Research", "Foundation", "Academy"),
    "other": ("Ventures", "Works", "Collective", "Alliance"),
}

#: Partner kinds with their share of the partner base (percent).
PARTNER_KIND_WEIGHTS = {
    "isv": 18,
    "var": 20,
    "si": 15,
    "msp": 12,
    "distributor": 3,
    "technology": 15,
    "consulting": 12,
    "research": 3,
    "other": 2,
}

PARTNER_INDUSTRY = {
    "isv": "Software",
    "var": "IT reselling",
    "si": "IT services and system integration",
    "msp": "Managed IT services",
    "distributor": "IT distribution",
    "technology": "Technology platforms",
    "consulting": "Management and technology consulting",
    "research": "Research and education",
    "other": "Business services",
}

PARTNER_SIZE_WEIGHTS = {"1-49": 30, "50-249": 32, "250-999": 20, "1000-4999": 12, "5000+": 6}

#: Places: city → ISO country. Customer names outside the first few hundred thousand carry one.
CITIES: dict[str, str] = {
    "Aarhus": "DK", "Amsterdam": "NL", "Antwerp": "BE", "Athens": "GR", "Atlanta": "US", "Austin": "US",
    "Barcelona": "ES", "Basel": "CH", "Berlin": "DE", "Bergen": "NO", "Bilbao": "ES", "Birmingham": "GB",
    "Bologna": "IT", "Bordeaux": "FR", "Boston": "US", "Bratislava": "SK", "Bremen": "DE", "Brighton": "GB",
    "Bristol": "GB", "Brno": "CZ", "Brussels": "BE", "Bucharest": "RO", "Budapest": "HU", "Calgary": "CA",
    "Cardiff": "GB", "Chicago": "US", "Cologne": "DE", "Copenhagen": "DK", "Cork": "IE", "Dallas": "US",
    "Delft": "NL", "Denver": "US", "Dortmund": "DE", "Dresden": "DE", "Dublin": "IE", "Dusseldorf": "DE",
    "Edinburgh": "GB", "Eindhoven": "NL", "Espoo": "FI", "Florence": "IT", "Frankfurt": "DE",
    "Galway": "IE", "Gdansk": "PL", "Geneva": "CH", "Genoa": "IT", "Ghent": "BE", "Glasgow": "GB",
    "Gothenburg": "SE", "Graz": "AT", "Groningen": "NL", "Hamburg": "DE", "Hanover": "DE",
    "Helsinki": "FI", "Houston": "US", "Innsbruck": "AT", "Krakow": "PL", "Lausanne": "CH",
    "Leeds": "GB", "Leiden": "NL", "Leipzig": "DE", "Leuven": "BE", "Lille": "FR", "Linz": "AT",
    "Lisbon": "PT", "Liverpool": "GB", "Ljubljana": "SI", "London": "GB", "Luxembourg": "LU", "Lyon": "FR",
    "Madrid": "ES", "Malaga": "ES", "Malmo": "SE", "Manchester": "GB", "Marseille": "FR", "Miami": "US",
    "Milan": "IT", "Montreal": "CA", "Munich": "DE", "Nantes": "FR", "Naples": "IT", "Nice": "FR",
    "Nuremberg": "DE", "Odense": "DK", "Oslo": "NO", "Oulu": "FI", "Oxford": "GB", "Paris": "FR",
    "Porto": "PT", "Poznan": "PL", "Prague": "CZ", "Riga": "LV", "Rotterdam": "NL", "Salzburg": "AT",
    "Seattle": "US", "Seville": "ES", "Singapore": "SG", "Sofia": "BG", "Stavanger": "NO",
    "Stockholm": "SE", "Strasbourg": "FR", "Stuttgart": "DE", "Sydney": "AU", "Tallinn": "EE",
    "Tampere": "FI", "Toronto": "CA", "Toulouse": "FR", "Trondheim": "NO", "Turin": "IT", "Turku": "FI",
    "Uppsala": "SE", "Utrecht": "NL", "Valencia": "ES", "Vancouver": "CA", "Vienna": "AT", "Vilnius": "LT",
    "Warsaw": "PL", "Wroclaw": "PL", "Zagreb": "HR", "Zurich": "CH",
}  # fmt: skip

#: Where customers and partners are (percent), for names without a place.
COUNTRY_WEIGHTS = {
    "NL": 16, "DE": 18, "GB": 12, "FR": 9, "BE": 5, "US": 10, "ES": 4, "IT": 4, "SE": 4, "DK": 3,
    "CH": 3, "AT": 2, "PL": 2, "IE": 2, "NO": 2, "FI": 2, "PT": 1, "CA": 1,
}  # fmt: skip

#: A legal form as customers write it, by country (shown on some names, ignored by matching).
LEGAL_FORMS = {
    "NL": "B.V.", "BE": "NV", "DE": "GmbH", "AT": "GmbH", "CH": "AG", "GB": "Ltd", "IE": "Ltd",
    "US": "Inc.", "CA": "Inc.", "FR": "SAS", "ES": "S.L.", "IT": "S.p.A.", "SE": "AB", "DK": "A/S",
    "NO": "AS", "FI": "Oy", "PL": "S.A.", "PT": "S.A.",
}  # fmt: skip

#: What our company sells (opportunity names, registrations, MDF campaigns).
OFFERINGS = (
    "Lakehouse platform",
    "Lakehouse expansion",
    "Real-time analytics",
    "Analytics renewal",
    "Data governance suite",
    "Embedded analytics SDK",
    "EU data residency add-on",
    "Data migration",
    "Platform upgrade",
    "Streaming ingest",
    "Self-service BI rollout",
    "ML feature store",
    "Data catalog",
    "Customer 360",
    "Supply-chain analytics",
    "Risk reporting",
    "Clinical data hub",
    "IoT telemetry analytics",
    "Enterprise license",
    "Department pilot",
    "Proof of concept",
    "Multi-year renewal",
    "Additional seats",
    "Premium support",
    "Cloud marketplace purchase",
)

#: Alliance programs by alliance type: the name suffix after the partner's name.
ALLIANCE_PROGRAMS: dict[str, tuple[str, ...]] = {
    "marketing": ("Co-Marketing", "Joint Campaigns", "Demand Generation", "Field Marketing"),
    "gtm": ("Co-Sell", "Go-to-Market", "Joint Pipeline", "Enterprise Co-Sell", "Solution Partnership"),
    "development": ("Technology Partnership", "Integration", "Joint Engineering", "Product Alliance"),
    "channel": ("Reseller", "Channel Partnership", "Distribution", "Managed Services"),
    "consortium": ("Consortium", "Research Consortium", "Data Space", "Industry Coalition"),
}

#: Which alliance types fit a partner kind (first is the most likely).
TYPES_BY_KIND: dict[str, tuple[str, ...]] = {
    "isv": ("development", "gtm", "marketing"),
    "var": ("channel", "gtm"),
    "si": ("gtm", "channel", "development"),
    "msp": ("channel", "gtm"),
    "distributor": ("channel",),
    "technology": ("development", "gtm", "marketing"),
    "consulting": ("gtm", "marketing"),
    "research": ("consortium", "development"),
    "other": ("marketing", "consortium"),
}

ALLIANCE_DESCRIPTIONS: dict[str, str] = {
    "marketing": "Joint campaigns, events and content with {partner} to reach {segment}.",
    "gtm": "Co-selling with {partner}'s field teams: shared account plans and joint pursuits in {segment}.",
    "development": "Integrating our platform with {partner}'s products so joint customers in {segment} "
    "get one solution.",
    "channel": "{partner} resells and implements our platform for {segment}.",
    "consortium": "A consortium with {partner} and others to build shared data capabilities for {segment}.",
}

SEGMENTS = (
    "mid-market manufacturers",
    "European banks",
    "hospitals and health research",
    "public sector agencies",
    "retail chains",
    "energy and utilities",
    "logistics companies",
    "insurers",
    "telecom operators",
    "life-sciences companies",
    "the DACH market",
    "the Nordics",
    "the Benelux",
    "the UK and Ireland",
    "Southern Europe",
    "North America",
)

EXIT_PLAN = (
    "Notify the partner six months ahead; hand open customer commitments to the account teams; "
    "keep joint customers supported until their contracts end; retire the joint offering from price lists."
)

#: Partner capabilities by kind (two or three per partner).
CAPABILITIES: dict[str, tuple[str, ...]] = {
    "isv": (
        "Vertical application built on our platform",
        "Connectors to common ERP and CRM systems",
        "Machine-learning models for forecasting",
        "Marketplace listing on the major clouds",
    ),
    "var": (
        "Licensing and renewals for mid-market accounts",
        "Certified pre-sales engineers",
        "Regional field sales team",
        "Financing and subscription billing",
    ),
    "si": (
        "Data-platform implementation practice",
        "Migration factory from legacy warehouses",
        "Industry consultants in manufacturing and finance",
        "Nearshore delivery centre",
    ),
    "msp": (
        "24/7 operations centre",
        "Managed data platform service",
        "ISO 27001 certified hosting",
        "Sovereign cloud regions",
    ),
    "distributor": (
        "Reseller network across Europe",
        "Marketplace and billing services",
        "Partner enablement programmes",
    ),
    "technology": (
        "Global cloud infrastructure",
        "Hardware-accelerated compute",
        "Identity and security services",
        "Co-sell programme with field incentives",
    ),
    "consulting": (
        "Board-level data strategy advisory",
        "Change management and training",
        "Regulatory compliance expertise",
        "Industry benchmarks",
    ),
    "research": (
        "Applied research in data privacy",
        "Doctoral researchers and student projects",
        "Access to public research funding",
    ),
    "other": ("Industry network and events", "Community programmes"),
}
STRENGTHS = (
    "Strong relationships with C-level buyers",
    "Deep vertical know-how",
    "Fast, reliable delivery",
    "Large installed base",
    "Certified team on our platform",
    "Good reputation in the region",
    "Aggressive growth plans",
)
WEAKNESSES = (
    "Small pre-sales team",
    "Limited presence outside its home market",
    "Competing alliance with a rival vendor",
    "High staff turnover",
    "Little marketing budget",
    "Slow contracting process",
)

CONTACT_TITLES: dict[str, tuple[str, ...]] = {
    "executive": (
        "Chief Executive Officer",
        "Chief Operating Officer",
        "Managing Director",
        "VP Partnerships",
    ),
    "alliances": ("Alliance Manager", "Partner Manager", "Head of Alliances", "Partner Development Manager"),
    "sales": ("Account Executive", "Sales Director", "Channel Sales Manager"),
    "marketing": ("Partner Marketing Manager", "Head of Marketing", "Field Marketing Manager"),
    "technical": ("Solutions Architect", "CTO", "Lead Engineer", "Practice Lead Data"),
    "finance": ("Finance Manager", "Controller"),
}
HOME_CONTACT_FUNCTIONS = ("executive", "alliances", "sales", "technical", "marketing", "finance")

#: Commitments by category: (title, unit or "" for money, typical quantity or amount range).
COMMITMENTS: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    "funding": (
        ("Co-fund the joint demand programme", "", 20_000, 150_000),
        ("Fund the proof-of-concept environment", "", 10_000, 60_000),
    ),
    "headcount": (
        ("Dedicated partner sales specialist", "FTE", 1, 2),
        ("Solution architects for joint pursuits", "FTE", 1, 3),
        ("Alliance manager for the partnership", "FTE", 1, 1),
    ),
    "marketing": (
        ("Joint webinar series", "webinars", 3, 8),
        ("Booth at the partner's annual summit", "", 8_000, 40_000),
        ("Co-branded case studies", "case studies", 1, 4),
    ),
    "roadmap": (
        ("Native connector in the next release", "connectors", 1, 2),
        ("Single sign-on between both products", "integrations", 1, 1),
    ),
    "integration": (
        ("Certified integration published on the marketplace", "integrations", 1, 2),
        ("Shared pipeline dashboard", "dashboards", 1, 1),
    ),
    "certification": (
        ("Certified consultants on our platform", "consultants", 3, 25),
        ("Pre-sales engineers certified", "engineers", 2, 10),
    ),
    "revenue": (
        ("Partner-sourced pipeline", "", 250_000, 4_000_000),
        ("Joint bookings target", "", 150_000, 2_500_000),
    ),
    "other": (("Quarterly executive business review", "meetings", 4, 4),),
}
COMMITMENT_CATEGORY_WEIGHTS = {
    "funding": 10,
    "headcount": 16,
    "marketing": 18,
    "roadmap": 10,
    "integration": 12,
    "certification": 16,
    "revenue": 14,
    "other": 4,
}

MILESTONES: dict[str, tuple[str, ...]] = {
    "integration": ("CRM integration live", "Connector certified", "Single sign-on released"),
    "shared_dashboard": ("Shared pipeline dashboard", "Joint KPI dashboard live"),
    "joint_offering": ("Joint offering defined", "Joint offering on the price list", "Bundle launched"),
    "certification": ("First ten consultants certified", "Partner practice certified"),
    "gtm_launch": ("Go-to-market launch", "First joint campaign", "Field enablement completed"),
    "other": ("Executive kick-off", "Mutual close plan template agreed", "Quarterly business review"),
}

PLAN_THESES = (
    "Both sides grow faster in {segment} together: we bring the platform, {partner} brings the "
    "customers and the delivery capacity.",
    "{partner} turns our platform into a repeatable solution for {segment}; we fund enablement and "
    "co-sell the first reference customers.",
    "Joint pipeline with {partner} in {segment}: shared account plans, one offer and a field "
    "incentive on both sides.",
)
PLAN_EXPECTATIONS = (
    "Ten consultants certified on the platform",
    "A joint reference customer published",
    "Integration certified and listed on the marketplace",
    "Field teams enabled in every region",
    "Quarterly pipeline reviews with both sales leaders",
    "A joint offering on both price lists",
)
PLAN_OBJECTIVES = (
    ("Partner-sourced pipeline", "pipeline created by the partner", "EUR"),
    ("Joint bookings", "closed-won revenue with the partner", "EUR"),
    ("Certified consultants", "people certified on our platform", "people"),
    ("Joint customer wins", "new logos won together", "deals"),
    ("Co-marketing events", "events and webinars held", "events"),
)

REVIEW_EVIDENCE = {
    "goals": (
        "Pipeline through the partner grew strongly this year.",
        "Contributes to the revenue objective in its region.",
        "Little revenue impact so far.",
    ),
    "competency": (
        "Their industry know-how complements our platform.",
        "Blocks a competitor from the same partner.",
        "No unique competency yet.",
    ),
    "opportunities": (
        "Opens a new segment we could not reach alone.",
        "Gives access to the partner's marketplace.",
        "Same customers we already reach.",
    ),
    "sustainability": (
        "Reduces delivery risk with certified capacity.",
        "Helps with data-residency regulation.",
        "Neutral for risk.",
    ),
    "innovation": (
        "Joint roadmap with shared engineering.",
        "Co-developed features shipped this year.",
        "Resells as is; no joint innovation.",
    ),
}

MDF_ACTIVITIES = (
    "Joint webinar series",
    "Booth at a regional trade fair",
    "Executive breakfast series",
    "Paid social campaign",
    "Customer roadshow",
    "Enablement days for the partner's sales team",
    "Co-branded case study and video",
    "Newsletter sponsorship",
    "Hands-on workshop series",
    "Marketplace launch campaign",
)
MDF_OUTCOMES = (
    "40 qualified leads and 8 opportunities",
    "25 meetings with target accounts",
    "300 registrations, 120 attendees",
    "Pipeline of EUR 500k within two quarters",
)

REGISTRATION_REJECTIONS = (
    "We already work this opportunity directly with the customer.",
    "Another partner registered this customer earlier and is engaged.",
    "The customer is outside the partner's agreed territory.",
    "Not enough information to qualify the deal: no contact and no project.",
)

COUNTRY_NAMES = {
    "AT": "Austria", "AU": "Australia", "BE": "Belgium", "BG": "Bulgaria", "CA": "Canada",
    "CH": "Switzerland", "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia",
    "ES": "Spain", "FI": "Finland", "FR": "France", "GB": "the United Kingdom", "GR": "Greece",
    "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IT": "Italy", "LT": "Lithuania",
    "LU": "Luxembourg", "LV": "Latvia", "NL": "the Netherlands", "NO": "Norway", "PL": "Poland",
    "PT": "Portugal", "RO": "Romania", "SE": "Sweden", "SG": "Singapore", "SI": "Slovenia",
    "SK": "Slovakia", "US": "the United States",
}  # fmt: skip

CALLING_CODES = {
    "AT": "43", "AU": "61", "BE": "32", "BG": "359", "CA": "1", "CH": "41", "CZ": "420", "DE": "49",
    "DK": "45", "EE": "372", "ES": "34", "FI": "358", "FR": "33", "GB": "44", "GR": "30", "HR": "385",
    "HU": "36", "IE": "353", "IT": "39", "LT": "370", "LU": "352", "LV": "371", "NL": "31", "NO": "47",
    "PL": "48", "PT": "351", "RO": "40", "SE": "46", "SG": "65", "SI": "386", "SK": "421", "US": "1",
}  # fmt: skip

#: How a partner describes itself, by kind ("… based in Germany.").
KIND_PHRASES = {
    "isv": "Software vendor building industry applications",
    "var": "Value-added reseller serving mid-market customers",
    "si": "System integrator with a data and analytics practice",
    "msp": "Managed service provider running data platforms for its clients",
    "distributor": "Distributor of business software to a network of resellers",
    "technology": "Technology company whose platform complements ours",
    "consulting": "Consultancy advising executives on data strategy",
    "research": "Research organization working on trustworthy data sharing",
    "other": "Industry organization",
}

#: Why an alliance moved into a stage (stage history).
STAGE_REASONS = {
    "assess": ("Shortlisted in the partner scan", "Inbound request qualified", "Fits the regional plan"),
    "negotiate": ("Assessment positive; terms under discussion", "Strategic review done, go for terms"),
    "launch": ("Agreement signed; joint plan agreed", "Contract signed, kick-off planned"),
    "manage": ("Launch completed; steady-state management", "First joint wins; moving to manage"),
    "review": ("Annual review of the partnership", "Renewal coming up: review the results"),
    "transform": ("Results below plan: rethink the model", "Partner changed strategy; rescoping"),
    "retired": ("No longer fits our strategy", "Partner acquired by a competitor", "Did not pass assessment"),
}
