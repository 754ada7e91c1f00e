"""The demo story: Halcyon Data's alliance portfolio, as plain data.

Everything here is invented. ``amity.demo.loader`` turns it into rows through the real
services, so stage history, review classifications and recommended tiers come from the
rules, not from this file. Dates are fixed (the story is told as of ``ANCHOR``), so every
run produces the same portfolio. Later issues extend the same partners and alliances.

Timeline of the story:

* 2025-01-15 - Halcyon moves its partner register (a spreadsheet) into Amity. Alliances
  older than that are *imported*: created and walked to their stage that day, with the
  missing-review gate overridden by Hannah and the reason recorded.
* 2025-10 - the first annual strategic review round.
* 2026-10 - this year's round; the recommended tiers of the three strongest alliances are
  applied on 2026-10-30, which over-subscribes the Strategic tier by one (Delft stays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: The day the story is told: "this year" is 2026, "last year" 2025.
ANCHOR = date(2026, 11, 1)
#: The day the partner register was imported into Amity.
IMPORT = date(2025, 1, 15)


# --- people and organizations ------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A contact; ``key`` is how alliances below refer to them."""

    key: str
    first: str
    last: str
    title: str
    function: str
    phone: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Org:
    name: str
    kind: str
    domain: str
    country: str
    industry: str
    size: str
    description: str
    capabilities: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    people: tuple[Person, ...] = ()
    is_home: bool = False


HOME = Org(
    name="Halcyon Data",
    kind="other",
    domain="halcyondata.example",
    country="NL",
    industry="Data platform software",
    size="1000-4999",
    is_home=True,
    description=(
        "Mid-size B2B data-platform company: about 1,200 people and €180M revenue, headquartered "
        "in Amsterdam. The alliance program serves five corporate objectives (O1-O5)."
    ),
    capabilities=(
        "Cloud data platform (ingest, lakehouse storage, governance)",
        "Real-time analytics engine",
        "Data residency controls for EU regions",
        "Embedded analytics SDK",
    ),
    strengths=(
        "Strong engineering brand in Europe",
        "Fast, governed self-service analytics",
        "High net revenue retention (118%)",
    ),
    weaknesses=(
        "Little presence outside Europe",
        "No healthcare references yet",
        "Small partner organization for the partner count",
    ),
    people=(
        Person("hannah", "Hannah", "Bakker", "Head of Alliances", "alliances", "+31 20 555 0140"),
        Person("alice", "Alice", "Moreau", "Senior Alliance Manager", "alliances", "+31 20 555 0141"),
        Person("omar", "Omar", "Haddad", "Alliance Manager", "alliances", "+31 20 555 0142"),
        Person("erin", "Erin", "Castellano", "Chief Revenue Officer", "executive", "+31 20 555 0101"),
        Person("sam", "Sam", "Okafor", "Enterprise Account Executive", "sales", "+31 20 555 0177"),
        Person("pieter", "Pieter", "de Wit", "Chief Executive Officer", "executive", "+31 20 555 0100"),
        Person("ravi", "Ravi", "Menon", "Chief Technology Officer", "executive", "+31 20 555 0102"),
        Person("julia", "Julia", "Lindqvist", "VP AI & Analytics", "technical", "+31 20 555 0120"),
        Person("sofia", "Sofia", "Rinaldi", "Chief Compliance Officer", "legal", "+31 20 555 0103"),
        Person("meilin", "Mei Lin", "Tan", "General Manager Asia-Pacific", "executive", "+65 6555 0190"),
        Person("daniel", "Daniel", "Brandt", "VP Channel Sales EMEA", "sales", "+49 30 5550 1150"),
        Person("noor", "Noor", "Visser", "Director, Healthcare Vertical", "executive", "+31 20 555 0130"),
        Person("tom", "Tom", "Verhoeven", "Principal Solutions Architect", "technical", "+31 20 555 0160"),
        Person("katrin", "Katrin", "Weber", "Partner Marketing Manager", "marketing", "+31 20 555 0150"),
        Person(
            "lars", "Lars", "Eriksen", "Finance Business Partner, Alliances", "finance", "+31 20 555 0170"
        ),
    ),
)

PARTNERS: tuple[Org, ...] = (
    Org(
        name="Stratus Cloud",
        kind="technology",
        domain="stratuscloud.example",
        country="US",
        industry="Cloud infrastructure (hyperscaler)",
        size="5000+",
        description=(
            "One of the three largest public clouds. Halcyon runs on Stratus and is listed on the "
            "Stratus Marketplace; Stratus is many times our size."
        ),
        capabilities=(
            "Public cloud regions in 30 countries, including Frankfurt, Amsterdam and Singapore",
            "Marketplace with private offers and committed-spend drawdown",
            "Co-sell program with field sellers' quota credit",
            "GPU capacity for AI workloads",
        ),
        strengths=(
            "Access to enterprise buyers through committed cloud spend",
            "Global field sales force",
            "Funding programs for migrations and proofs of concept",
        ),
        weaknesses=(
            "Hard to get attention from their field: thousands of ISVs compete for it",
            "Their own analytics services overlap with ours",
            "Partner contacts change every fiscal year",
        ),
        people=(
            Person(
                "priya", "Priya", "Raman", "Partner Development Manager, Data & Analytics ISVs", "alliances"
            ),
            Person("stratus_vp", "Graham", "Whitfield", "VP ISV Partnerships EMEA", "executive"),
            Person("stratus_sa", "Daniel", "Osei", "Partner Solutions Architect", "technical"),
            Person("stratus_mkt", "Rosa", "Delgado", "Marketplace Partner Manager", "sales"),
        ),
    ),
    Org(
        name="Meridian Consulting",
        kind="si",
        domain="meridianconsulting.example",
        country="GB",
        industry="IT services and consulting",
        size="5000+",
        description=(
            "Global systems integrator with a large health and life-sciences practice. Together we "
            "sell the bundled 'Halcyon + Meridian healthcare data platform'."
        ),
        capabilities=(
            "Hospital data-platform implementations (EHR integration, HL7/FHIR)",
            "Change management and clinical analytics adoption",
            "Managed data operations from delivery centres in Manchester and Pune",
        ),
        strengths=(
            "Trusted by hospital CIOs in the UK, the Netherlands and the Nordics",
            "Can staff large programmes at short notice",
        ),
        weaknesses=(
            "Also partners with two of our competitors",
            "Expensive for mid-size hospitals",
        ),
        people=(
            Person("marco", "Marco", "Bellini", "Healthcare Partner Lead", "alliances"),
            Person(
                "meridian_md", "Fiona", "Gallagher", "Managing Director, Health & Life Sciences", "executive"
            ),
            Person("meridian_delivery", "Arjun", "Patel", "Delivery Director, Data Platforms", "operations"),
        ),
    ),
    Org(
        name="St. Aurelia Health",
        kind="other",
        domain="staurelia.example",
        country="BE",
        industry="Hospitals and health care",
        size="5000+",
        description="Hospital group with nine hospitals in Belgium and the Netherlands; lead member of the consortium.",
        capabilities=(
            "De-identified clinical data from 1.4 million patient records",
            "Clinical research office and ethics board",
        ),
        strengths=("Clinical credibility", "Willing first reference customer for healthcare"),
        weaknesses=("Slow procurement", "Strict data-protection review for every use of data"),
        people=(
            Person("aurelia_cmio", "Hélène", "Dubois", "Chief Medical Information Officer", "executive"),
            Person("aurelia_data", "Pieter-Jan", "Claes", "Head of Clinical Data", "technical"),
        ),
    ),
    Org(
        name="Quantia ML",
        kind="isv",
        domain="quantia.example",
        country="DE",
        industry="Machine-learning software",
        size="50-249",
        description="Start-up building privacy-preserving machine learning (federated learning) for hospitals.",
        capabilities=("Federated learning toolkit", "Synthetic data generation"),
        strengths=("Leading-edge privacy technology",),
        weaknesses=("Small team, runway of about 18 months",),
        people=(
            Person("quantia_ceo", "Jonas", "Richter", "Co-founder & CEO", "executive"),
            Person("quantia_eng", "Mira", "Schulz", "Head of Engineering", "technical"),
        ),
    ),
    Org(
        name="Delft Institute of Data Science",
        kind="research",
        domain="delft-ids.example",
        country="NL",
        industry="Research and higher education",
        size="250-999",
        description="University research institute; our research partner for the AI analytics product line.",
        capabilities=(
            "Research groups in trustworthy AI, causal inference and time series",
            "PhD and post-doc pipeline",
            "EU Horizon consortium experience",
        ),
        strengths=("World-class research on explainable models", "Source of graduate hires"),
        weaknesses=("Academic timelines", "Publishes everything: IP terms need care"),
        people=(
            Person("delft_dir", "Anneke", "van der Meer", "Scientific Director", "executive"),
            Person("delft_pi", "Bas", "Hendriks", "Principal Investigator, Trustworthy AI", "technical"),
            Person("delft_liaison", "Sanne", "de Boer", "Industry Liaison Officer", "alliances"),
        ),
    ),
    Org(
        name="Kestrel IT",
        kind="var",
        domain="kestrel-it.example",
        country="DE",
        industry="IT reseller and services",
        size="250-999",
        description="German value-added reseller for the Mittelstand; competes with other resellers in DACH.",
        capabilities=("Licence resale and renewals", "Implementation services", "German-language support"),
        strengths=("Deep Mittelstand customer base", "Twelve Halcyon-certified consultants"),
        weaknesses=("Little marketing capacity", "Sells competing products too"),
        people=(
            Person("lena", "Lena", "Hoffmann", "Alliance Manager", "alliances"),
            Person("kestrel_ceo", "Markus", "Vogel", "Managing Director", "executive"),
            Person("kestrel_presales", "Felix", "Wagner", "Head of Presales", "technical"),
        ),
    ),
    Org(
        name="Norte Sistemas",
        kind="var",
        domain="nortesistemas.example",
        country="ES",
        industry="IT reseller and services",
        size="50-249",
        description="Reseller in Spain and Portugal, strong in retail and logistics.",
        capabilities=("Licence resale", "Spanish and Portuguese support"),
        strengths=("Retail customer base in Iberia",),
        weaknesses=("Only two certified people",),
        people=(
            Person("norte_ceo", "Carmen", "Ruiz", "Directora General", "executive"),
            Person("norte_sales", "Javier", "Morales", "Sales Director", "sales"),
        ),
    ),
    Org(
        name="Pacific Rim Solutions",
        kind="var",
        domain="pacificrim-solutions.example",
        country="SG",
        industry="IT reseller and services",
        size="250-999",
        description=(
            "Singapore-based reseller with offices in Kuala Lumpur, Jakarta and Sydney; our main route "
            "into Asia-Pacific and a candidate to 'alliancize'."
        ),
        capabilities=(
            "Resale across six APAC countries",
            "Data and analytics practice (40 consultants)",
            "Local-language support",
        ),
        strengths=("Relationships with APAC banks and telcos", "Own analytics practice"),
        weaknesses=("Relies on our EU-based support for escalations",),
        people=(
            Person("pacrim_ceo", "Wei Jie", "Lim", "Chief Executive", "executive"),
            Person("pacrim_alliances", "Anika", "Sharma", "Head of Vendor Alliances", "alliances"),
            Person("pacrim_tech", "Ryan", "Goh", "Practice Lead, Data & Analytics", "technical"),
        ),
    ),
    Org(
        name="Atlas Distribution",
        kind="distributor",
        domain="atlas-distribution.example",
        country="GB",
        industry="IT distribution",
        size="1000-4999",
        description="Broadline software distributor for the UK and Ireland; supplies 140 resellers with our licences.",
        capabilities=("Reseller recruitment and credit", "Marketplace and billing platform"),
        strengths=("Reach into small resellers we could never serve directly",),
        weaknesses=("Thin margins leave little for enablement", "No technical staff for our product"),
        people=(
            Person("atlas_vp", "Oliver", "Hughes", "VP Software Distribution", "executive"),
            Person("atlas_pm", "Chloe", "Bennett", "Vendor Business Manager", "alliances"),
        ),
    ),
    Org(
        name="Lumen CRM",
        kind="isv",
        domain="lumencrm.example",
        country="IE",
        industry="CRM software",
        size="1000-4999",
        description="CRM vendor; our certified connector syncs CRM data into Halcyon in near real time.",
        capabilities=("CRM platform with an app marketplace", "Customer data APIs"),
        strengths=("Large mid-market customer base",),
        weaknesses=("Integration roadmap changes every quarter",),
        people=(
            Person("lumen_vp", "Siobhán", "Kelly", "VP Technology Partnerships", "executive"),
            Person("lumen_pm", "Conor", "Walsh", "Integration Product Manager", "technical"),
        ),
    ),
    Org(
        name="Ferro Security",
        kind="isv",
        domain="ferrosecurity.example",
        country="IT",
        industry="Cybersecurity software",
        size="250-999",
        description="Data security vendor; the integration feeds their access-monitoring into our governance layer.",
        capabilities=("Data access monitoring", "Policy-based masking"),
        strengths=("Strong with regulated customers (banks, insurers)",),
        weaknesses=("Small sales team outside Italy",),
        people=(
            Person("ferro_cto", "Luca", "Ferrari", "Chief Technology Officer", "executive"),
            Person("ferro_pm", "Giulia", "Conti", "Partner Manager", "alliances"),
        ),
    ),
    Org(
        name="Bluepeak Managed Services",
        kind="msp",
        domain="bluepeak.example",
        country="NL",
        industry="Managed IT services",
        size="250-999",
        description="Managed service provider running Halcyon for mid-size customers; the fastest-growing partner of 2026.",
        capabilities=("24/7 managed data platforms", "Cost management for cloud analytics"),
        strengths=("Grew from 3 to 17 managed Halcyon customers in a year",),
        weaknesses=("Registered tier only: no access to partner funds yet",),
        people=(
            Person("bluepeak_ceo", "Ruben", "Smit", "Chief Executive Officer", "executive"),
            Person("bluepeak_svc", "Eva", "Mulder", "Service Development Manager", "operations"),
        ),
    ),
    Org(
        name="OldBridge Software",
        kind="isv",
        domain="oldbridge.example",
        country="GB",
        industry="Enterprise software (ERP)",
        size="250-999",
        description="ERP vendor whose on-premises product our connector supports; their customers are moving away.",
        capabilities=("On-premises ERP for manufacturers",),
        strengths=("Installed base of 300 manufacturers",),
        weaknesses=(
            "Missed the joint roadmap commitments of 2025 and 2026",
            "Product in maintenance mode",
        ),
        people=(
            Person("oldbridge_vp", "Nigel", "Thornton", "VP Partnerships", "executive"),
            Person("oldbridge_pm", "Priti", "Desai", "Product Manager, Integrations", "technical"),
        ),
    ),
    Org(
        name="Nimbus Health",
        kind="isv",
        domain="nimbushealth.example",
        country="US",
        industry="Health IT",
        size="250-999",
        description="Clinical-workflow software vendor expanding into Europe; a prospect under assessment.",
        capabilities=("Clinical workflow SaaS used by 200 US hospitals", "FHIR APIs"),
        strengths=("Strong healthcare product", "Wants a European data-platform partner"),
        weaknesses=("No European customers yet", "US-centric compliance"),
        people=(
            Person("nimbus_bd", "Rachel", "Cohen", "VP Business Development", "executive"),
            Person("nimbus_cpo", "Marcus", "Reid", "Chief Product Officer", "technical"),
        ),
    ),
    Org(
        name="Sakura Data Systems",
        kind="var",
        domain="sakura-data.example",
        country="JP",
        industry="IT solutions",
        size="250-999",
        description="Japanese solutions provider; first conversations about reselling Halcyon in Japan.",
        capabilities=("Resale and integration in Japan",),
        strengths=("Manufacturing customers in Japan",),
        weaknesses=("Needs Japanese-language documentation",),
        people=(Person("sakura_bd", "Yuki", "Tanaka", "Director of Business Development", "alliances"),),
    ),
    Org(
        name="Tessellate AI",
        kind="isv",
        domain="tessellate.example",
        country="US",
        industry="AI software",
        size="50-249",
        description="Start-up with small, specialised language models for tabular data; negotiating an OEM deal.",
        capabilities=("Domain-tuned language models for analytics", "Model evaluation tooling"),
        strengths=("Model quality on tabular questions",),
        weaknesses=("Young company, limited enterprise support",),
        people=(
            Person("tess_ceo", "Ada", "Okonkwo", "CEO & Co-founder", "executive"),
            Person("tess_partner", "Leo", "Martins", "Head of Partnerships", "alliances"),
        ),
    ),
    Org(
        name="Celeste Sovereign Cloud",
        kind="technology",
        domain="celeste-cloud.example",
        country="FR",
        industry="Cloud infrastructure (sovereign)",
        size="1000-4999",
        description="French sovereign-cloud provider certified for public-sector and health data; Halcyon's EU-only region.",
        capabilities=("Sovereign cloud regions in France and Germany", "Health data hosting certification"),
        strengths=("Certifications our customers ask for", "Public-sector relationships"),
        weaknesses=("Smaller service catalogue than hyperscalers",),
        people=(
            Person("celeste_vp", "Claire", "Lefèvre", "VP Alliances", "executive"),
            Person("celeste_arch", "Mathieu", "Girard", "Solutions Architect", "technical"),
        ),
    ),
    Org(
        name="Helvetia Compliance Partners",
        kind="consulting",
        domain="helvetia-compliance.example",
        country="CH",
        industry="Regulatory consulting",
        size="50-249",
        description="Regulatory consultancy (GDPR, EU Data Act, AI Act); co-authors our compliance content series.",
        capabilities=("Data-protection impact assessments", "EU AI Act readiness reviews"),
        strengths=("Respected voice at compliance conferences",),
        weaknesses=("Does not resell software",),
        people=(
            Person("helvetia_partner", "Ursula", "Keller", "Managing Partner", "executive"),
            Person("helvetia_mkt", "Nina", "Baumann", "Marketing Lead", "marketing"),
        ),
    ),
    Org(
        name="Fjord Data Labs",
        kind="technology",
        domain="fjorddata.example",
        country="NO",
        industry="Data catalog software",
        size="50-249",
        description="Data-catalog vendor; we run joint webinars and a shared booth at data conferences.",
        capabilities=("Data catalog and lineage",),
        strengths=("Active community of data stewards",),
        weaknesses=("Small marketing budget",),
        people=(Person("fjord_cmo", "Ingrid", "Solberg", "Chief Marketing Officer", "marketing"),),
    ),
    Org(
        name="Koala Cloud Services",
        kind="msp",
        domain="koalacloud.example",
        country="AU",
        industry="Managed cloud services",
        size="250-999",
        description="Australian managed-cloud provider; resells and runs Halcyon for customers in Australia and New Zealand.",
        capabilities=("Managed cloud operations", "Resale in Australia and New Zealand"),
        strengths=("Public-sector contracts in Australia",),
        weaknesses=("Time-zone gap with our support",),
        people=(
            Person("koala_ceo", "Jack", "Thompson", "Managing Director", "executive"),
            Person("koala_pm", "Emily", "Nguyen", "Partner Manager", "alliances"),
        ),
    ),
    Org(
        name="Indus Tech Services",
        kind="si",
        domain="industech.example",
        country="IN",
        industry="IT services",
        size="5000+",
        description="Indian systems integrator; delivers Halcyon projects for European and APAC customers.",
        capabilities=("Offshore delivery at scale", "Data engineering practice of 600 people"),
        strengths=("Cost-effective delivery", "Presence in Singapore and Sydney"),
        weaknesses=("Project quality varies by team",),
        people=(
            Person("indus_svp", "Vikram", "Iyer", "SVP Europe", "executive"),
            Person("indus_dm", "Ananya", "Rao", "Delivery Manager, Data Practice", "operations"),
        ),
    ),
    Org(
        name="Cobalt Systems Integration",
        kind="si",
        domain="cobalt-si.example",
        country="FR",
        industry="Systems integration",
        size="1000-4999",
        description="French integrator for large enterprises and the public sector; our biggest partner in France.",
        capabilities=("Data platform projects for CAC 40 companies", "Public-sector framework contracts"),
        strengths=("Sources most of our French pipeline",),
        weaknesses=("Agreement expires at the end of 2026",),
        people=(
            Person("cobalt_dg", "Antoine", "Mercier", "Deputy Managing Director", "executive"),
            Person("cobalt_am", "Élodie", "Fournier", "Alliance Manager", "alliances"),
        ),
    ),
    Org(
        name="Polar Insights",
        kind="isv",
        domain="polarinsights.example",
        country="FI",
        industry="Business intelligence software",
        size="50-249",
        description="Visualisation vendor; we embed their charting library in the AI analytics product line.",
        capabilities=("Embeddable charting library", "Natural-language chart generation"),
        strengths=("Beautiful, fast visualisations",),
        weaknesses=("OEM pricing not settled for 2027",),
        people=(
            Person("polar_cto", "Mikko", "Virtanen", "Chief Technology Officer", "executive"),
            Person("polar_pm", "Aino", "Korhonen", "OEM Partner Manager", "alliances"),
        ),
    ),
    Org(
        name="Shoreline Nordic",
        kind="var",
        domain="shoreline.example",
        country="SE",
        industry="IT reseller",
        size="50-249",
        description="Former Nordic reseller; the alliance was retired in 2025 and customers moved to direct contracts.",
        capabilities=("Licence resale in Sweden and Norway",),
        people=(Person("shoreline_ceo", "Erik", "Lindgren", "Chief Executive Officer", "executive"),),
    ),
    Org(
        name="Basalt Storage",
        kind="technology",
        domain="basaltstorage.example",
        country="US",
        industry="Storage hardware",
        size="1000-4999",
        description="Storage-appliance vendor that proposed a hardware bundle; not selected in 2025.",
        capabilities=("On-premises storage appliances",),
        people=(Person("basalt_bd", "Tyler", "Brooks", "Director, Technology Alliances", "alliances"),),
    ),
    Org(
        name="Brightline Advisory",
        kind="consulting",
        domain="brightline.example",
        country="GB",
        industry="Management consulting",
        size="1-49",
        description="Boutique data-strategy consultancy that refers clients to us for a referral fee.",
        capabilities=("Data strategy for CFOs",),
        people=(Person("bright_partner", "James", "Whitaker", "Partner", "executive"),),
    ),
    Org(
        name="Mosaic Learning",
        kind="other",
        domain="mosaiclearning.example",
        country="NL",
        industry="Training and certification",
        size="50-249",
        description="Training company that runs the Halcyon certification courses for partners' consultants.",
        capabilities=("Instructor-led and online courses", "Certification exams"),
        people=(Person("mosaic_dir", "Femke", "de Groot", "Director Partner Programmes", "executive"),),
    ),
    Org(
        name="Junction Data Exchange",
        kind="technology",
        domain="junctiondata.example",
        country="DE",
        industry="Data-sharing platform",
        size="50-249",
        description="Operator of a data-space connector (GAIA-X style) for sovereign data sharing.",
        capabilities=("Data-space connectors", "Usage-policy enforcement"),
        people=(Person("junction_ceo", "Tobias", "Klein", "Chief Executive Officer", "executive"),),
    ),
    Org(
        name="Arcturus Global Services",
        kind="si",
        domain="arcturus.example",
        country="US",
        industry="IT services",
        size="5000+",
        description="Global integrator that approached us at a conference; no alliance yet.",
        capabilities=("Global delivery", "Healthcare and banking practices"),
        weaknesses=("Already a strategic partner of our largest competitor",),
        people=(Person("arcturus_vp", "Laura", "Chen", "VP Alliances", "executive"),),
    ),
    Org(
        name="Northstar Distribution",
        kind="distributor",
        domain="northstar-dist.example",
        country="AU",
        industry="IT distribution",
        size="1000-4999",
        description="APAC distributor; a possible second route to market in Asia-Pacific.",
        capabilities=("Distribution in Australia, New Zealand and South-East Asia",),
        people=(Person("northstar_bd", "Hamish", "Campbell", "Vendor Recruitment Manager", "alliances"),),
    ),
)


# --- users --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    first: str
    last: str
    title: str
    organization: str = ""  # partner users only
    who: str = ""  # one line for the summary and the README


USERS: tuple[UserSpec, ...] = (
    UserSpec("hannah", "admin", "Hannah", "Bakker", "Head of Alliances", who="admin, head of alliances"),
    UserSpec("alice", "manager", "Alice", "Moreau", "Senior Alliance Manager", who="alliance manager"),
    UserSpec("omar", "manager", "Omar", "Haddad", "Alliance Manager", who="alliance manager"),
    UserSpec(
        "erin", "executive", "Erin", "Castellano", "Chief Revenue Officer", who="executive (read-only), CRO"
    ),
    UserSpec("sam", "sales", "Sam", "Okafor", "Enterprise Account Executive", who="sales rep"),
    UserSpec(
        "priya",
        "partner",
        "Priya",
        "Raman",
        "Partner Development Manager",
        organization="Stratus Cloud",
        who="partner user, Stratus Cloud",
    ),
    UserSpec(
        "marco",
        "partner",
        "Marco",
        "Bellini",
        "Healthcare Partner Lead",
        organization="Meridian Consulting",
        who="partner user, Meridian Consulting",
    ),
    UserSpec(
        "lena",
        "partner",
        "Lena",
        "Hoffmann",
        "Alliance Manager",
        organization="Kestrel IT",
        who="partner user, Kestrel IT",
    ),
)


# --- corporate objectives and tiers ---------------------------------------------------------

#: (code, title, description, target, horizon year)
OBJECTIVES: tuple[tuple[str, str, str, str, int], ...] = (
    (
        "O1",
        "Grow annual recurring revenue 30%",
        "Build, buy, ally: grow ARR 30% next year, with 35% of the growth coming through alliances.",
        "ARR +30% in FY2027; 35% of new ARR partner-sourced or partner-influenced",
        2027,
    ),
    (
        "O2",
        "Enter the healthcare vertical",
        "Win the first hospital and health-research customers with partners who know the sector.",
        "Five healthcare customers and one reference by the end of 2027",
        2027,
    ),
    (
        "O3",
        "Expand in Asia-Pacific",
        "Build a route to market in Singapore, Australia and Japan without opening a direct sales office.",
        "€8M APAC ARR by the end of 2028",
        2028,
    ),
    (
        "O4",
        "Launch an AI analytics product line",
        "Bring natural-language and predictive analytics to the platform, with research and technology partners.",
        "General availability in Q3 2027; 40 paying customers in the first year",
        2027,
    ),
    (
        "O5",
        "Reduce regulatory risk: EU data residency and compliance",
        "Keep customers' data in the EU and be ready for the EU Data Act and AI Act.",
        "EU-only hosting option for every product; zero compliance findings in audits",
        2027,
    ),
)

#: Tier name -> target count. The Strategic tier is meant to hold three alliances.
TIER_TARGETS: dict[str, int | None] = {
    "Strategic": 3,
    "Platinum": 4,
    "Gold": 6,
    "Silver": 8,
    "Registered": None,
}


# --- strategic reviews ----------------------------------------------------------------------

ACTIVITY_FIELDS = {
    "bundled": "act_bundled",
    "teams": "act_joint_teams",
    "planning": "act_joint_planning",
    "knowledge": "act_knowledge",
    "exclusive": "act_exclusivity",
    "longterm": "act_long_term",
}


@dataclass(frozen=True)
class ReviewSpec:
    """Scores for seed 000's criteria (goals, competency, opportunities, sustainability,
    innovation), evidence for each, seed 001's activities and the commitment given."""

    by: str
    scores: tuple[int, int, int, int, int]
    evidence: tuple[str, str, str, str, str]
    activities: str = ""  # space-separated keys of ACTIVITY_FIELDS
    fte: str = "0"
    investment: str = "0"
    sponsorship: int = 0  # 0 none, 1 manager, 2 director, 3 VP, 4 C-level
    notes: str = ""


REVIEWS: dict[str, ReviewSpec] = {
    # Stratus Cloud ---------------------------------------------------------------------
    "stratus-2025": ReviewSpec(
        by="hannah",
        scores=(4, 3, 3, 2, 2),
        evidence=(
            "Stratus co-sell sourced €2.9M of new ARR in FY2025 (22% of all new ARR); marketplace "
            "private offers let customers draw down committed spend.",
            "Running natively on Stratus is a differentiator against on-premises competitors; the "
            "partner architects recommend us for governed analytics.",
            "Marketplace opened 41 new logos we had never met, mostly in retail and logistics.",
            "Concentration risk: one hyperscaler carries a fifth of new business.",
            "Some joint work on GPU-backed query acceleration, still early.",
        ),
        activities="bundled teams planning knowledge",
        fte="1.5",
        investment="380000",
        sponsorship=4,
        notes="Strong and growing. Power imbalance: Stratus is 60 times our size; keep our asks specific.",
    ),
    "stratus-2026": ReviewSpec(
        by="hannah",
        scores=(4, 3, 4, 2, 3),
        evidence=(
            "€4.1M co-sell ARR in the last twelve months and €11.8M open pipeline with Stratus "
            "sellers attached; on track for a third of O1's alliance share.",
            "Joint reference architecture for governed lakehouse analytics is now in Stratus's "
            "solution library, which blocks the two competitors that are not listed.",
            "Marketplace listing in Singapore and Sydney regions opens APAC buyers; joint "
            "healthcare offer with committed-spend drawdown in discussion.",
            "Still a concentration risk, but the new EU sovereign-region option lowers the "
            "data-residency risk for regulated customers.",
            "Joint engineering on GPU-accelerated AI analytics for the O4 product line; two "
            "Stratus engineers assigned part-time.",
        ),
        activities="bundled teams planning knowledge longterm",
        fte="2.0",
        investment="450000",
        sponsorship=4,
        notes=(
            "Recommend the Strategic tier. QBR cadence slipped in Q3; the contribution balance leans "
            "heavily on our side (we bring 70% of the joint effort)."
        ),
    ),
    # Meridian Consulting ------------------------------------------------------------------
    "meridian-2025": ReviewSpec(
        by="hannah",
        scores=(3, 3, 3, 2, 2),
        evidence=(
            "€1.1M ARR influenced in FY2025, mostly in the UK; first healthcare deal in pipeline.",
            "Meridian's clinical-data know-how fills the gap that kept us out of hospitals.",
            "The bundled healthcare data platform is a new offer for a new market (O2).",
            "Meridian's information-governance practice de-risks hospital data projects.",
            "Joint accelerators for FHIR ingestion are planned but not built.",
        ),
        activities="bundled teams planning knowledge",
        fte="1.0",
        investment="220000",
        sponsorship=4,
    ),
    "meridian-2026": ReviewSpec(
        by="hannah",
        scores=(4, 4, 3, 3, 2),
        evidence=(
            "Three hospital contracts signed in 2026 (€2.4M ARR) through the bundled offer, plus "
            "€6.5M of qualified pipeline in the UK and the Netherlands.",
            "The 'Halcyon + Meridian healthcare data platform' is the only bundled offer in the "
            "market with certified FHIR ingestion; competitors must assemble it project by project.",
            "Opens the healthcare vertical (O2) and, through Meridian's Pune centre, managed "
            "operations we could not offer alone.",
            "Meridian's clinical information-governance team signs off every deployment: fewer "
            "data-protection findings in hospital audits.",
            "FHIR accelerator shipped; the next joint innovation (clinical AI) is still an idea.",
        ),
        activities="bundled teams planning knowledge exclusive longterm",
        fte="1.5",
        investment="300000",
        sponsorship=4,
        notes="Recommend the Strategic tier. Exclusivity for hospital data platforms in the UK and NL until 2028.",
    ),
    # Open Health Data Consortium -------------------------------------------------------------
    "ohdc-2025": ReviewSpec(
        by="alice",
        scores=(3, 3, 3, 2, 3),
        evidence=(
            "No direct revenue, but it is the fastest credible path to healthcare references (O2).",
            "Working with de-identified clinical data at hospital scale builds a competence we lack.",
            "A four-party ecosystem: a hospital group, an ML start-up and a research institute.",
            "Designing residency and consent controls with a hospital's ethics board reduces "
            "regulatory risk for every later healthcare customer.",
            "Federated-learning research with Quantia ML and Delft feeds the AI product line.",
        ),
        activities="teams planning knowledge longterm",
        fte="0.5",
        investment="60000",
        sponsorship=3,
        notes="Soft commitments only (letters of intent). Proceed to negotiate a consortium agreement.",
    ),
    "ohdc-2026": ReviewSpec(
        by="hannah",
        scores=(3, 3, 4, 3, 3),
        evidence=(
            "St. Aurelia signed as a paying customer (€240k ARR) and agreed to be our first healthcare reference.",
            "Our platform now holds the consortium's 1.4M de-identified records: the team has real "
            "clinical-data experience that competitors cannot show.",
            "Two more hospital groups asked to join; the consortium is becoming an ecosystem that "
            "brings us to the table for national health-data programmes.",
            "The consent and residency design passed the Belgian data-protection authority's "
            "prior consultation - a reusable template for O5.",
            "Three joint papers submitted; the federated-learning prototype runs on our platform.",
        ),
        activities="teams planning knowledge longterm",
        fte="1.0",
        investment="120000",
        sponsorship=3,
        notes="Recommend the Strategic tier. Commitments are still soft (knowledge sharing, no revenue targets).",
    ),
    # Delft research ----------------------------------------------------------------------------
    "delft-2025": ReviewSpec(
        by="omar",
        scores=(1, 3, 2, 1, 4),
        evidence=(
            "No revenue expected for at least two years.",
            "Explainable-model research gives the AI product line (O4) a credible technical core.",
            "Access to EU research funding and a graduate hiring pipeline.",
            "Little effect on our risks.",
            "World-class research group in trustworthy AI; joint PhD positions possible.",
        ),
        activities="planning knowledge longterm",
        fte="0.5",
        investment="80000",
        sponsorship=2,
    ),
    "delft-2026": ReviewSpec(
        by="hannah",
        scores=(1, 3, 2, 1, 4),
        evidence=(
            "Still no revenue; the earliest commercial effect is the AI product line's launch in 2027.",
            "Two explainability techniques from the programme are in the product backlog.",
            "An EU Horizon proposal with Delft would open research funding, not new markets.",
            "No material effect on regulatory or business risk.",
            "Strongest innovation partner we have: two joint PhD students, one patent filing.",
        ),
        activities="planning knowledge longterm",
        fte="0.5",
        investment="90000",
        sponsorship=2,
        notes=(
            "Valuable research partner, but its criteria do not support the Strategic tier it was "
            "given in 2025. Recommendation: Gold, and free the Strategic slot."
        ),
    ),
    # Channel -------------------------------------------------------------------------------------
    "kestrel-2025": ReviewSpec(
        by="hannah",
        scores=(2, 1, 1, 1, 0),
        evidence=(
            "€780k resold in FY2025, 6% of new ARR; steady but not growing.",
            "Kestrel's certified consultants help in German-speaking accounts; no unique competence.",
            "Sells into existing Mittelstand accounts; few new segments.",
            "German-language support reduces churn risk a little.",
            "None.",
        ),
        activities="knowledge",
        fte="0.3",
        investment="35000",
        sponsorship=2,
    ),
    "kestrel-2026": ReviewSpec(
        by="hannah",
        scores=(3, 1, 1, 1, 0),
        evidence=(
            "€850k resold in the last twelve months; largest reseller in DACH.",
            "Good delivery quality, but any certified reseller could do the same.",
            "Mostly renewals and upsell in existing accounts.",
            "Local support for German customers.",
            "No joint innovation.",
        ),
        activities="knowledge",
        fte="0.3",
        investment="40000",
        sponsorship=2,
        notes="Tactical channel partner; keep in Gold on revenue. Conflicts with other DACH resellers need a clear registration rule.",
    ),
    "norte-2026": ReviewSpec(
        by="hannah",
        scores=(2, 1, 1, 1, 0),
        evidence=(
            "€220k resold in the last twelve months, mostly retail.",
            "No unique competence.",
            "Some new logos in Portuguese logistics.",
            "Spanish and Portuguese support.",
            "None.",
        ),
        fte="0.2",
        investment="15000",
        sponsorship=1,
    ),
    "pacrim-2025": ReviewSpec(
        by="hannah",
        scores=(2, 1, 2, 1, 1),
        evidence=(
            "€410k resold in FY2025, growing 35% a year.",
            "Resells as is; relies on our consultants for complex deployments.",
            "The only route we have into Singapore and Malaysia.",
            "Little effect on risk.",
            "Occasional feedback from APAC banks reaches product management.",
        ),
        activities="knowledge",
        fte="0.2",
        investment="25000",
        sponsorship=1,
    ),
    "pacrim-2026": ReviewSpec(
        by="hannah",
        scores=(2, 2, 3, 1, 2),
        evidence=(
            "€600k resold in the last twelve months; APAC pipeline of €2.2M is 80% Pacific Rim.",
            "Their 40-person analytics practice built two banking accelerators on our platform.",
            "Could carry O3 (Asia-Pacific) as an alliance: joint offers for APAC banks and telcos, "
            "and a route into Indonesia and Australia.",
            "Still depends on EU-based support for escalations.",
            "Their banking accelerators are ideas we would not have had; joint roadmap talks started.",
        ),
        activities="planning knowledge",
        fte="0.3",
        investment="40000",
        sponsorship=2,
        notes="A channel partner behaving like an alliance: candidate to 'alliancize' for APAC (O3).",
    ),
    "atlas-2026": ReviewSpec(
        by="hannah",
        scores=(3, 1, 1, 1, 0),
        evidence=(
            "€1.4M through 140 small resellers; 9% of new ARR.",
            "Logistics and credit, not competence.",
            "Reaches small resellers we would never serve directly.",
            "Diversifies the channel a little.",
            "None.",
        ),
        fte="0.3",
        investment="45000",
        sponsorship=2,
        notes="A classic distribution relationship: tactical, and valuable as such.",
    ),
    "koala-2026": ReviewSpec(
        by="hannah",
        scores=(2, 1, 2, 1, 1),
        evidence=(
            "€120k resold and managed; six customers.",
            "Runs our platform for public-sector customers in Australia.",
            "Opened Australian public sector, which needs local hosting.",
            "Local operations help with Australian data rules.",
            "Occasional feature requests.",
        ),
        activities="knowledge",
        fte="0.2",
        investment="20000",
        sponsorship=2,
    ),
    "bluepeak-2025": ReviewSpec(
        by="alice",
        scores=(1, 0, 1, 1, 0),
        evidence=(
            "Three managed customers so far, €30k a year.",
            "Standard managed-service offer.",
            "Reaches mid-size companies without data teams.",
            "Customers run by an MSP churn less.",
            "None yet.",
        ),
        fte="0.1",
        investment="5000",
        sponsorship=1,
        notes="Register, enable, and watch.",
    ),
    "bluepeak-2026": ReviewSpec(
        by="hannah",
        scores=(2, 1, 2, 1, 1),
        evidence=(
            "17 managed customers and €180k ARR - up six-fold in a year.",
            "Their cost-management runbooks make our platform cheaper to run for mid-size customers.",
            "Opened the 'analytics as a managed service' segment.",
            "Lower churn among managed customers (2% vs 7%).",
            "Their monitoring add-on may become a product feature.",
        ),
        activities="knowledge",
        fte="0.2",
        investment="15000",
        sponsorship=2,
        notes="Growing fast; the Registered tier no longer fits.",
    ),
    "shoreline-2025": ReviewSpec(
        by="omar",
        scores=(1, 0, 0, 1, 0),
        evidence=(
            "€30k in FY2024, declining.",
            "None.",
            "No new customers since 2023.",
            "Nordic customers would be served directly at lower risk.",
            "None.",
        ),
        fte="0.1",
        sponsorship=1,
        notes="Retire: move the nine customers to direct contracts.",
    ),
    # Technology partners and integrations --------------------------------------------------------
    "lumen-2025": ReviewSpec(
        by="hannah",
        scores=(2, 2, 2, 1, 1),
        evidence=(
            "Connector used by 60 customers; influences about €300k of new ARR.",
            "Near-real-time CRM sync is a reason customers pick us over slower pipelines.",
            "Listed in Lumen's app marketplace.",
            "Low risk either way.",
            "Little joint innovation.",
        ),
        activities="knowledge",
        fte="0.3",
        investment="30000",
        sponsorship=2,
    ),
    "lumen-2026": ReviewSpec(
        by="hannah",
        scores=(2, 2, 2, 1, 2),
        evidence=(
            "Connector used by 85 customers; €400k of new ARR influenced.",
            "The certified connector is still faster than any competitor's.",
            "Marketplace listing brings a steady trickle of mid-market leads.",
            "Low risk.",
            "Joint work on CRM-driven churn prediction for the AI product line.",
        ),
        activities="knowledge",
        fte="0.3",
        investment="35000",
        sponsorship=2,
    ),
    "ferro-2026": ReviewSpec(
        by="hannah",
        scores=(1, 2, 1, 3, 1),
        evidence=(
            "Small revenue effect (€150k influenced).",
            "Access monitoring inside our governance layer is unique among mid-size platforms.",
            "Helps with Italian banks.",
            "Banks and insurers require the access-monitoring evidence the integration produces (O5).",
            "Masking policies designed together.",
        ),
        activities="knowledge",
        fte="0.2",
        investment="20000",
        sponsorship=3,
    ),
    "oldbridge-2025": ReviewSpec(
        by="hannah",
        scores=(2, 2, 1, 1, 1),
        evidence=(
            "Connector used by 40 manufacturers; €60k of renewals depend on it.",
            "Only certified connector for OldBridge ERP.",
            "No new customers in 2025.",
            "Customers on the connector are sticky.",
            "Joint roadmap for a cloud connector agreed (due Q2 2026).",
        ),
        activities="planning",
        fte="0.2",
        investment="25000",
        sponsorship=2,
    ),
    "oldbridge-2026": ReviewSpec(
        by="hannah",
        scores=(1, 0, 0, 1, 0),
        evidence=(
            "Renewals under the connector fell to €40k as customers leave OldBridge ERP.",
            "OldBridge put the product in maintenance mode; the connector is no longer a differentiator.",
            "None: OldBridge missed the Q2 2026 cloud-connector commitment and the Q4 follow-up.",
            "Keeping the old connector running is a security liability (unsupported libraries).",
            "None.",
        ),
        fte="0.2",
        investment="20000",
        sponsorship=1,
        notes="Transform or retire. Exit plan drafted; customers to be offered the generic ERP connector.",
    ),
    "polar-2026": ReviewSpec(
        by="hannah",
        scores=(2, 2, 2, 0, 3),
        evidence=(
            "€200k of expected OEM revenue share once the AI product line ships.",
            "Their chart generation makes our natural-language answers visual.",
            "Embedded analytics for ISVs is a new segment.",
            "No effect on risk.",
            "Natural-language chart generation built together in a joint sprint.",
        ),
        activities="bundled knowledge",
        fte="0.3",
        investment="20000",
        sponsorship=1,
    ),
    "celeste-2026": ReviewSpec(
        by="alice",
        scores=(2, 2, 2, 4, 1),
        evidence=(
            "€500k ARR expected from public-sector and health customers who need sovereign hosting.",
            "An EU-only, certified hosting option that our larger competitors lack.",
            "Opens French public sector and health-data hosting.",
            "Directly serves O5: EU data residency and health-data hosting certification.",
            "Little joint innovation planned.",
        ),
        activities="planning knowledge",
        fte="0.5",
        investment="60000",
        sponsorship=3,
        notes="Selected. Negotiate a two-year agreement with a joint launch in Q4 2026.",
    ),
    "tessellate-2026": ReviewSpec(
        by="omar",
        scores=(2, 3, 3, 1, 4),
        evidence=(
            "Expected OEM revenue from the AI product line from 2027 (€200k in year one).",
            "Small tabular language models tuned on our query logs would be hard for competitors to copy.",
            "Makes natural-language analytics possible for non-technical users - a new buyer.",
            "Model risk (AI Act) needs work.",
            "Core of the AI product line's natural-language feature (O4).",
        ),
        activities="planning knowledge exclusive",
        fte="0.5",
        investment="150000",
        sponsorship=3,
        notes="Strategic candidate. Negotiate exclusivity for analytics platforms in Europe.",
    ),
    "basalt-2025": ReviewSpec(
        by="omar",
        scores=(1, 1, 1, 0, 0),
        evidence=(
            "Hardware bundle would sell into on-premises customers, a shrinking segment.",
            "No competence gain.",
            "Few new customers expected.",
            "None.",
            "None.",
        ),
        fte="0.1",
        sponsorship=1,
        notes="Not selected: does not serve any corporate objective.",
    ),
    # Services and marketing -----------------------------------------------------------------------
    "indus-2026": ReviewSpec(
        by="hannah",
        scores=(3, 2, 2, 1, 1),
        evidence=(
            "Delivered 14 projects in 2026; influences €700k ARR by making large projects affordable.",
            "A 60-person Halcyon practice: delivery capacity we could not build ourselves.",
            "Presence in Singapore and Sydney supports APAC customers (O3).",
            "Quality varies: two escalations in 2026.",
            "Reusable migration tooling contributed to our partner library.",
        ),
        activities="teams planning",
        fte="0.5",
        investment="50000",
        sponsorship=2,
        notes="Renewal due in January 2027; renew with quality clauses.",
    ),
    "cobalt-2025": ReviewSpec(
        by="hannah",
        scores=(3, 2, 2, 2, 1),
        evidence=(
            "€950k influenced in France in FY2025.",
            "Public-sector framework contracts we cannot hold ourselves.",
            "Public-sector buyers in France.",
            "French-language delivery and security clearances.",
            "Little.",
        ),
        activities="teams planning knowledge",
        fte="0.8",
        investment="100000",
        sponsorship=3,
    ),
    "cobalt-2026": ReviewSpec(
        by="hannah",
        scores=(3, 3, 2, 2, 2),
        evidence=(
            "€1.2M influenced in the last twelve months; sources most of our French pipeline.",
            "Public-sector framework contracts and a certified team of 30.",
            "Two new ministries reached through Cobalt's frameworks.",
            "Security-cleared staff reduce delivery risk in the public sector.",
            "Joint accelerator for public-sector data catalogues.",
        ),
        activities="teams planning knowledge",
        fte="1.0",
        investment="120000",
        sponsorship=3,
        notes="Agreement expires 31 December 2026: renew for three years.",
    ),
    "helvetia-2026": ReviewSpec(
        by="hannah",
        scores=(1, 1, 1, 3, 0),
        evidence=(
            "Content series generated 310 marketing-qualified leads; €80k influenced.",
            "Their authority lends credibility to our compliance messaging.",
            "Some new compliance-driven buyers.",
            "Their AI Act readiness reviews of our product reduce regulatory risk (O5).",
            "None.",
        ),
        activities="knowledge",
        fte="0.2",
        investment="30000",
        sponsorship=3,
    ),
    "fjord-2026": ReviewSpec(
        by="hannah",
        scores=(1, 1, 2, 0, 1),
        evidence=(
            "Joint webinars: 120 leads, €40k influenced.",
            "None.",
            "Reaches data stewards, a new audience for us.",
            "None.",
            "Shared lineage demo.",
        ),
        fte="0.1",
        investment="10000",
        sponsorship=1,
    ),
    "brightline-2025": ReviewSpec(
        by="hannah",
        scores=(1, 1, 1, 1, 0),
        evidence=(
            "Two referrals converted (€45k).",
            "None.",
            "CFO-level introductions.",
            "None significant.",
            "None.",
        ),
        fte="0.05",
        sponsorship=1,
    ),
    "mosaic-2025": ReviewSpec(
        by="hannah",
        scores=(1, 2, 1, 0, 1),
        evidence=(
            "No direct revenue; trained 220 partner consultants in FY2025.",
            "Certified partner consultants are a competence of the whole program.",
            "Enables new partners faster.",
            "None.",
            "Online labs co-developed.",
        ),
        activities="knowledge",
        fte="0.1",
        investment="40000",
        sponsorship=1,
    ),
}


# --- alliances ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Go:
    """A life-cycle transition on a date; ``override`` (by Hannah) when a gate is not met."""

    on: str
    to: str
    reason: str
    by: str = ""  # default: the alliance's owner
    override: str = ""


@dataclass(frozen=True)
class Review:
    on: str
    key: str


@dataclass(frozen=True)
class Edit:
    """An edit of the alliance's own fields (tier, value, dates, exit plan)."""

    on: str
    data: tuple[tuple[str, object], ...]
    by: str = ""
    #: Why the tier changes, when it does (a change by hand names its reason).
    reason: str = "Tier agreed when the alliance launched"


@dataclass(frozen=True)
class Team:
    """The day the alliance's people (sponsors, managers, team) are named."""

    on: str
    by: str = ""


@dataclass(frozen=True)
class ApplyTier:
    """Apply the latest review's recommended tier."""

    on: str
    by: str = "hannah"


Step = Go | Review | Edit | Team | ApplyTier


@dataclass(frozen=True)
class AllianceSpec:
    name: str
    type: str
    owner: str
    partners: tuple[tuple[str, str], ...]
    value: str
    description: str
    objectives: tuple[str, ...]
    members: tuple[tuple[str, str, str], ...]  # (person key, role, area)
    created: str
    steps: tuple[Step, ...]
    start: str | None = None
    end: str | None = None
    created_by: str = ""  # default: the owner
    extra: dict = field(default_factory=dict)


def imported(since: str, tier: str) -> tuple[Step, ...]:
    """Steps of an alliance that predates Amity: walked to *manage & grow* on import day.

    The strategic-review gate cannot be met for an alliance selected years ago, so Hannah
    overrides it and says why; every other gate is met as it would be for a new alliance.
    """
    day = IMPORT.isoformat()
    note = f"Imported from the partner register (in manage & grow since {since})."
    return (
        Go(day, "assess", note, by="hannah"),
        Go(
            day,
            "negotiate",
            note,
            by="hannah",
            override=(
                f"Selected in {since[:4]}, before Halcyon recorded strategic reviews. "
                "The first review is scheduled for the 2025 annual review round."
            ),
        ),
        Team(day, by="hannah"),
        Go(
            day, "launch", note + " Signed agreement and joint plan are in the contract archive.", by="hannah"
        ),
        Edit(day, (("tier", tier),), by="hannah"),
        Go(day, "manage", note, by="hannah"),
    )


def _steps(*groups: tuple[Step, ...] | Step) -> tuple[Step, ...]:
    out: list[Step] = []
    for group in groups:
        out.extend(group if isinstance(group, tuple) else (group,))
    return tuple(out)


ALLIANCES: tuple[AllianceSpec, ...] = (
    AllianceSpec(
        name="Stratus Cloud Co-Sell",
        type="gtm",
        owner="alice",
        partners=(("Stratus Cloud", "partner"),),
        value="4200000",
        description=(
            "Co-sell with Stratus field sellers and transactions through the Stratus Marketplace "
            "(private offers draw down customers' committed cloud spend). Joint offering: governed "
            "lakehouse analytics on Stratus. The most hard commitments of any alliance."
        ),
        objectives=("O1", "O4"),
        members=(
            ("erin", "sponsor", "executive"),
            ("stratus_vp", "sponsor", "executive"),
            ("alice", "manager", "alliances"),
            ("priya", "manager", "alliances"),
            ("sam", "team", "sales"),
            ("stratus_mkt", "team", "marketplace"),
            ("tom", "team", "engineering"),
            ("stratus_sa", "team", "engineering"),
            ("lars", "team", "finance"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2022-09-01",
        end="2027-08-31",
        steps=_steps(
            imported("2022-09", "Platinum"),
            Review("2025-10-14", "stratus-2025"),
            Review("2026-10-12", "stratus-2026"),
            ApplyTier("2026-10-30"),
        ),
    ),
    AllianceSpec(
        name="Halcyon + Meridian Healthcare Data Platform",
        type="gtm",
        owner="omar",
        partners=(("Meridian Consulting", "partner"),),
        value="2600000",
        description=(
            "Strategic alliance with a bundled offering - the 'Halcyon + Meridian healthcare data "
            "platform' - sold and delivered jointly to hospitals. Joint teams at every level, from "
            "the executive sponsors to the delivery squads."
        ),
        objectives=("O1", "O2"),
        members=(
            ("pieter", "sponsor", "executive"),
            ("meridian_md", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("marco", "manager", "alliances"),
            ("noor", "team", "healthcare"),
            ("meridian_delivery", "team", "delivery"),
            ("tom", "team", "engineering"),
            ("sofia", "team", "compliance"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2023-04-01",
        end="2028-03-31",
        steps=_steps(
            imported("2023-04", "Platinum"),
            Review("2025-10-16", "meridian-2025"),
            Review("2026-10-13", "meridian-2026"),
            ApplyTier("2026-10-30"),
        ),
    ),
    AllianceSpec(
        name="Open Health Data Consortium",
        type="consortium",
        owner="alice",
        partners=(
            ("St. Aurelia Health", "lead"),
            ("Quantia ML", "member"),
            ("Delft Institute of Data Science", "research"),
        ),
        value="300000",
        description=(
            "Four parties - Halcyon, St. Aurelia Health, Quantia ML and the Delft Institute of Data "
            "Science - build a consented, de-identified clinical data platform for research. "
            "Knowledge sharing and soft commitments only: letters of intent, no revenue targets."
        ),
        objectives=("O2", "O4", "O5"),
        members=(
            ("noor", "sponsor", "executive"),
            ("aurelia_cmio", "sponsor", "executive"),
            ("quantia_ceo", "sponsor", "executive"),
            ("delft_dir", "sponsor", "research"),
            ("alice", "manager", "alliances"),
            ("aurelia_data", "team", "clinical data"),
            ("quantia_eng", "team", "engineering"),
            ("delft_pi", "team", "research"),
            ("julia", "team", "AI"),
            ("sofia", "team", "compliance"),
        ),
        created="2025-06-10",
        start="2026-02-01",
        steps=(
            Go("2025-07-01", "assess", "St. Aurelia invited us after the Ghent health-data summit."),
            Review("2025-09-15", "ohdc-2025"),
            Go("2025-09-22", "negotiate", "All four parties signed letters of intent."),
            Team("2026-01-12"),
            Go(
                "2026-01-20",
                "launch",
                "Consortium agreement signed by all four parties; joint research plan agreed.",
            ),
            Edit("2026-02-02", (("tier", "Platinum"),), by="hannah"),
            Go("2026-02-02", "manage", "Kick-off held in Leuven; data platform in production."),
            Edit("2026-06-01", (("annual_value", "300000"),)),
            Review("2026-10-09", "ohdc-2026"),
            ApplyTier("2026-10-30"),
        ),
        extra={"initial_value": "0"},
    ),
    AllianceSpec(
        name="Delft AI Research Programme",
        type="development",
        owner="omar",
        partners=(("Delft Institute of Data Science", "research"),),
        value="50000",
        description=(
            "Research alliance for the AI analytics product line: explainable models, two joint PhD "
            "positions and a shared lab. Strong on innovation, weak on revenue."
        ),
        objectives=("O4",),
        members=(
            ("ravi", "sponsor", "executive"),
            ("delft_dir", "sponsor", "research"),
            ("omar", "manager", "alliances"),
            ("delft_liaison", "manager", "alliances"),
            ("julia", "team", "AI"),
            ("delft_pi", "team", "research"),
        ),
        created="2025-02-03",
        start="2025-06-01",
        end="2029-05-31",
        steps=(
            Go("2025-02-17", "assess", "Ravi asked for a research partner for the AI product line."),
            Review("2025-03-20", "delft-2025"),
            Go(
                "2025-03-24",
                "negotiate",
                "Selected over two other universities for its explainability group.",
            ),
            Team("2025-05-12"),
            Go("2025-05-15", "launch", "Research collaboration agreement signed; IP terms agreed."),
            Edit("2025-06-02", (("tier", "Strategic"),), by="hannah"),
            Go("2025-06-02", "manage", "Lab opened; first PhD student started."),
            Review("2026-10-07", "delft-2026"),
        ),
    ),
    AllianceSpec(
        name="Kestrel IT Reseller (DACH)",
        type="channel",
        owner="alice",
        partners=(("Kestrel IT", "partner"),),
        value="850000",
        description="Reseller agreement for Germany, Austria and Switzerland; Kestrel resells licences and delivers implementation services.",
        objectives=("O1",),
        members=(
            ("daniel", "sponsor", "sales"),
            ("kestrel_ceo", "sponsor", "executive"),
            ("alice", "manager", "alliances"),
            ("lena", "manager", "alliances"),
            ("kestrel_presales", "team", "presales"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2020-03-01",
        end="2027-12-31",
        steps=_steps(
            imported("2020-03", "Gold"),
            Review("2025-10-20", "kestrel-2025"),
            Go("2025-11-03", "review", "Reseller agreement ends 31 December 2025: renewal review."),
            Go("2025-12-01", "manage", "Renewed for two years with a deal-registration clause."),
            Review("2026-10-15", "kestrel-2026"),
        ),
    ),
    AllianceSpec(
        name="Norte Sistemas Reseller (Iberia)",
        type="channel",
        owner="omar",
        partners=(("Norte Sistemas", "partner"),),
        value="220000",
        description="Reseller agreement for Spain and Portugal.",
        objectives=("O1",),
        members=(
            ("daniel", "sponsor", "sales"),
            ("norte_ceo", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("norte_sales", "team", "sales"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2021-05-01",
        steps=_steps(imported("2021-05", "Silver"), Review("2026-10-16", "norte-2026")),
    ),
    AllianceSpec(
        name="Pacific Rim Solutions Reseller (APAC)",
        type="channel",
        owner="alice",
        partners=(("Pacific Rim Solutions", "partner"),),
        value="600000",
        description=(
            "Reseller agreement for Singapore, Malaysia, Indonesia and Australia. Pacific Rim's "
            "analytics practice builds its own accelerators on our platform - a channel partner "
            "that could become an alliance for Asia-Pacific."
        ),
        objectives=("O1", "O3"),
        members=(
            ("meilin", "sponsor", "executive"),
            ("pacrim_ceo", "sponsor", "executive"),
            ("alice", "manager", "alliances"),
            ("pacrim_alliances", "manager", "alliances"),
            ("pacrim_tech", "team", "analytics practice"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2023-02-01",
        steps=_steps(
            imported("2023-02", "Silver"),
            Review("2025-10-21", "pacrim-2025"),
            Edit("2026-04-01", (("annual_value", "600000"),)),
            Review("2026-10-16", "pacrim-2026"),
        ),
        extra={"initial_value": "410000"},
    ),
    AllianceSpec(
        name="Atlas Distribution (UK & Ireland)",
        type="channel",
        owner="omar",
        partners=(("Atlas Distribution", "partner"),),
        value="1400000",
        description="Distribution agreement: Atlas supplies our licences to 140 resellers in the UK and Ireland.",
        objectives=("O1",),
        members=(
            ("daniel", "sponsor", "sales"),
            ("atlas_vp", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("atlas_pm", "manager", "alliances"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2019-07-01",
        steps=_steps(imported("2019-07", "Gold"), Review("2026-10-19", "atlas-2026")),
    ),
    AllianceSpec(
        name="Lumen CRM Integration",
        type="development",
        owner="alice",
        partners=(("Lumen CRM", "partner"),),
        value="400000",
        description="Certified connector that syncs Lumen CRM data into Halcyon in near real time; listed in Lumen's app marketplace.",
        objectives=("O1",),
        members=(
            ("ravi", "sponsor", "executive"),
            ("lumen_vp", "sponsor", "executive"),
            ("alice", "manager", "alliances"),
            ("lumen_pm", "team", "product"),
            ("tom", "team", "engineering"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2022-01-15",
        steps=_steps(
            imported("2022-01", "Gold"),
            Review("2025-10-22", "lumen-2025"),
            Review("2026-10-20", "lumen-2026"),
        ),
    ),
    AllianceSpec(
        name="Ferro Security Integration",
        type="development",
        owner="omar",
        partners=(("Ferro Security", "partner"),),
        value="150000",
        description="Integration of Ferro's data-access monitoring and masking into our governance layer, for regulated customers.",
        objectives=("O5",),
        members=(
            ("sofia", "sponsor", "compliance"),
            ("ferro_cto", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("ferro_pm", "manager", "alliances"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2023-09-01",
        steps=_steps(imported("2023-09", "Silver"), Review("2026-10-20", "ferro-2026")),
    ),
    AllianceSpec(
        name="Bluepeak Managed Analytics",
        type="channel",
        owner="alice",
        partners=(("Bluepeak Managed Services", "partner"),),
        value="180000",
        description="Bluepeak runs Halcyon as a managed service for mid-size customers. Registered tier, growing fast.",
        objectives=("O1",),
        members=(
            ("daniel", "sponsor", "sales"),
            ("bluepeak_ceo", "sponsor", "executive"),
            ("alice", "manager", "alliances"),
            ("bluepeak_svc", "team", "operations"),
        ),
        created="2025-03-03",
        start="2025-05-01",
        steps=(
            Go("2025-03-17", "assess", "Bluepeak applied through the partner portal."),
            Review("2025-04-02", "bluepeak-2025"),
            Go("2025-04-07", "negotiate", "Standard MSP terms offered."),
            Team("2025-04-28"),
            Go("2025-05-05", "launch", "MSP agreement signed; onboarding plan agreed."),
            Edit("2025-05-06", (("tier", "Registered"),)),
            Go("2025-05-06", "manage", "First managed customer live."),
            Edit("2026-06-15", (("annual_value", "180000"),)),
            Review("2026-10-14", "bluepeak-2026"),
        ),
        extra={"initial_value": "30000"},
    ),
    AllianceSpec(
        name="OldBridge Connector",
        type="development",
        owner="omar",
        partners=(("OldBridge Software", "partner"),),
        value="40000",
        description="Connector for OldBridge's on-premises ERP. OldBridge missed two roadmap commitments; the alliance is being wound down.",
        objectives=(),
        members=(
            ("ravi", "sponsor", "executive"),
            ("oldbridge_vp", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("oldbridge_pm", "team", "product"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2018-10-01",
        end="2027-03-31",
        steps=_steps(
            imported("2018-10", "Silver"),
            Review("2025-10-23", "oldbridge-2025"),
            Edit("2026-09-01", (("annual_value", "40000"),)),
            Review("2026-10-21", "oldbridge-2026"),
            Edit(
                "2026-10-27",
                (
                    (
                        "exit_plan",
                        "1. Tell OldBridge in writing by 15 November 2026; the agreement ends 31 March 2027.\n"
                        "2. Offer the 40 connector customers the generic ERP connector at no extra cost.\n"
                        "3. Keep security fixes for the old connector until 31 March 2027, then remove "
                        "it from the product.\n"
                        "4. Joint customer letter from both companies; no public announcement.",
                    ),
                ),
            ),
            Go(
                "2026-10-28",
                "transform",
                "Missed the Q2 and Q4 2026 cloud-connector commitments; the 2026 review came out tactical "
                "with no objective served.",
            ),
        ),
        extra={"initial_value": "60000"},
    ),
    AllianceSpec(
        name="Nimbus Health Clinical Analytics",
        type="gtm",
        owner="omar",
        partners=(("Nimbus Health", "partner"),),
        value="500000",
        description=(
            "Prospect: Nimbus wants a European data-platform partner for its clinical-workflow "
            "software. Business case (€500k ARR in year two) under review by Erin and Noor."
        ),
        objectives=("O2",),
        members=(("noor", "sponsor", "executive"), ("nimbus_bd", "sponsor", "executive")),
        created="2026-08-03",
        steps=(
            Team("2026-08-03"),
            Go(
                "2026-09-07", "assess", "Business case drafted; reference calls with two US hospitals booked."
            ),
        ),
    ),
    AllianceSpec(
        name="Sakura Data Systems Reseller (Japan)",
        type="channel",
        owner="alice",
        partners=(("Sakura Data Systems", "partner"),),
        value="0",
        description="First conversations about reselling Halcyon in Japan (O3). Not yet assessed.",
        objectives=("O3",),
        members=(("meilin", "sponsor", "executive"), ("sakura_bd", "manager", "alliances")),
        created="2026-10-19",
        steps=(Team("2026-10-19"),),
    ),
    AllianceSpec(
        name="Tessellate AI Model Partnership",
        type="development",
        owner="omar",
        partners=(("Tessellate AI", "partner"),),
        value="200000",
        description="OEM partnership: Tessellate's tabular language models power natural-language questions in the AI product line.",
        objectives=("O4",),
        members=(
            ("julia", "sponsor", "AI"),
            ("tess_ceo", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("tess_partner", "manager", "alliances"),
        ),
        created="2026-05-04",
        steps=(
            Go("2026-05-18", "assess", "Shortlisted after the AI model bake-off."),
            Team("2026-06-01"),
            Review("2026-08-27", "tessellate-2026"),
            Go("2026-09-01", "negotiate", "Term sheet sent: OEM licence and European exclusivity."),
        ),
    ),
    AllianceSpec(
        name="Celeste Sovereign Cloud Hosting",
        type="gtm",
        owner="alice",
        partners=(("Celeste Sovereign Cloud", "partner"),),
        value="500000",
        description="Halcyon's EU-only hosting option on Celeste's certified sovereign cloud, sold jointly to public-sector and health customers.",
        objectives=("O5",),
        members=(
            ("sofia", "sponsor", "compliance"),
            ("celeste_vp", "sponsor", "executive"),
            ("alice", "manager", "alliances"),
            ("celeste_arch", "team", "engineering"),
            ("tom", "team", "engineering"),
        ),
        created="2026-01-19",
        start="2026-10-01",
        end="2028-09-30",
        steps=(
            Go("2026-02-02", "assess", "Three public-sector tenders required sovereign hosting."),
            Review("2026-03-18", "celeste-2026"),
            Go("2026-03-23", "negotiate", "Selected over two other sovereign providers."),
            Team("2026-09-01"),
            Go("2026-09-28", "launch", "Two-year agreement signed; joint launch plan for Q4 agreed."),
        ),
    ),
    AllianceSpec(
        name="Helvetia Compliance Content Series",
        type="marketing",
        owner="omar",
        partners=(("Helvetia Compliance Partners", "partner"),),
        value="80000",
        description="Joint webinars, whitepapers and AI Act readiness checklists, co-branded with Helvetia.",
        objectives=("O5",),
        members=(
            ("sofia", "sponsor", "compliance"),
            ("helvetia_partner", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("katrin", "team", "marketing"),
            ("helvetia_mkt", "team", "marketing"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2024-03-01",
        steps=_steps(imported("2024-03", "Silver"), Review("2026-10-21", "helvetia-2026")),
    ),
    AllianceSpec(
        name="Fjord Data Labs Co-Marketing",
        type="marketing",
        owner="alice",
        partners=(("Fjord Data Labs", "partner"),),
        value="40000",
        description="Joint webinars and a shared booth at data conferences.",
        objectives=("O1",),
        members=(
            ("katrin", "sponsor", "marketing"),
            ("fjord_cmo", "sponsor", "marketing"),
            ("alice", "manager", "alliances"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2023-05-01",
        steps=_steps(imported("2023-05", "Registered"), Review("2026-10-22", "fjord-2026")),
    ),
    AllianceSpec(
        name="Koala Cloud Services (ANZ)",
        type="channel",
        owner="omar",
        partners=(("Koala Cloud Services", "partner"),),
        value="120000",
        description="Koala resells and runs Halcyon for customers in Australia and New Zealand.",
        objectives=("O1", "O3"),
        members=(
            ("meilin", "sponsor", "executive"),
            ("koala_ceo", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("koala_pm", "manager", "alliances"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2024-06-01",
        steps=_steps(imported("2024-06", "Silver"), Review("2026-10-22", "koala-2026")),
    ),
    AllianceSpec(
        name="Indus Tech Services Delivery Partnership",
        type="gtm",
        owner="alice",
        partners=(("Indus Tech Services", "partner"),),
        value="700000",
        description="Indus delivers Halcyon projects for European and APAC customers from Pune, Singapore and Sydney.",
        objectives=("O1", "O3"),
        members=(
            ("erin", "sponsor", "executive"),
            ("indus_svp", "sponsor", "executive"),
            ("alice", "manager", "alliances"),
            ("indus_dm", "team", "delivery"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2022-02-01",
        end="2027-01-31",
        steps=_steps(
            imported("2022-02", "Gold"),
            Review("2026-10-23", "indus-2026"),
            Go("2026-10-26", "review", "Agreement ends 31 January 2027: renewal review."),
        ),
    ),
    AllianceSpec(
        name="Cobalt Systems Integration (France)",
        type="gtm",
        owner="omar",
        partners=(("Cobalt Systems Integration", "partner"),),
        value="1200000",
        description="Cobalt sells and delivers Halcyon to large French enterprises and the public sector.",
        objectives=("O1",),
        members=(
            ("erin", "sponsor", "executive"),
            ("cobalt_dg", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
            ("cobalt_am", "manager", "alliances"),
            ("tom", "team", "engineering"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2021-01-01",
        end="2026-12-31",
        steps=_steps(
            imported("2021-01", "Platinum"),
            Review("2025-10-24", "cobalt-2025"),
            Review("2026-10-23", "cobalt-2026"),
            Go("2026-10-27", "review", "Agreement ends 31 December 2026: renewal review."),
        ),
    ),
    AllianceSpec(
        name="Polar Insights Embedded BI",
        type="development",
        owner="alice",
        partners=(("Polar Insights", "partner"),),
        value="200000",
        description="Polar's charting library is embedded in the AI analytics product line (OEM).",
        objectives=("O4",),
        members=(
            ("julia", "sponsor", "AI"),
            ("polar_cto", "sponsor", "executive"),
            ("alice", "manager", "alliances"),
            ("polar_pm", "manager", "alliances"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2024-09-01",
        steps=_steps(imported("2024-09", "Silver"), Review("2026-10-26", "polar-2026")),
    ),
    AllianceSpec(
        name="Shoreline Nordic Reseller",
        type="channel",
        owner="omar",
        partners=(("Shoreline Nordic", "partner"),),
        value="30000",
        description="Former reseller agreement for Sweden and Norway; retired in December 2025.",
        objectives=("O1",),
        members=(
            ("daniel", "sponsor", "sales"),
            ("shoreline_ceo", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2017-04-01",
        end="2025-12-31",
        steps=_steps(
            imported("2017-04", "Silver"),
            Review("2025-04-28", "shoreline-2025"),
            Go("2025-05-12", "transform", "Declining sales since 2023; the review came out tactical."),
            Edit(
                "2025-06-02",
                (
                    (
                        "exit_plan",
                        "Move the nine customers to direct contracts at their next renewal, keeping "
                        "their prices. Shoreline keeps its margin on renewals until 31 December 2025.",
                    ),
                ),
            ),
            Edit(
                "2025-12-15",
                (("tier", None),),
                by="hannah",
                reason="Retired: customers moved to direct contracts",
            ),
            Go("2025-12-15", "retired", "All nine customers moved to direct contracts."),
        ),
    ),
    AllianceSpec(
        name="Basalt Storage Appliance Bundle",
        type="gtm",
        owner="omar",
        partners=(("Basalt Storage", "partner"),),
        value="0",
        description="Proposed bundle of Halcyon with Basalt storage appliances for on-premises customers. Not selected.",
        objectives=(),
        members=(),
        created="2025-04-14",
        steps=(
            Go("2025-04-28", "assess", "Basalt proposed a hardware bundle at the spring partner summit."),
            Review("2025-06-10", "basalt-2025"),
            Edit(
                "2025-07-01",
                (
                    (
                        "exit_plan",
                        "Not selected: nothing to wind down. Thank Basalt, keep the NDA until it expires, revisit if on-premises demand returns.",
                    ),
                ),
            ),
            Go(
                "2025-07-01",
                "retired",
                "Not selected: serves no corporate objective and the review came out tactical.",
            ),
        ),
    ),
    AllianceSpec(
        name="Brightline Advisory Referrals",
        type="marketing",
        owner="alice",
        partners=(("Brightline Advisory", "partner"),),
        value="45000",
        description="Referral agreement: Brightline introduces CFO-level prospects for a 15% first-year fee.",
        objectives=(),
        members=(("erin", "sponsor", "executive"), ("bright_partner", "sponsor", "executive")),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2022-06-01",
        steps=_steps(imported("2022-06", "Registered"), Review("2025-10-27", "brightline-2025")),
    ),
    AllianceSpec(
        name="Mosaic Learning Certification Programme",
        type="marketing",
        owner="omar",
        partners=(("Mosaic Learning", "partner"),),
        value="0",
        description="Mosaic runs the Halcyon certification courses and exams for partners' consultants.",
        objectives=("O1",),
        members=(
            ("hannah", "sponsor", "alliances"),
            ("mosaic_dir", "sponsor", "executive"),
            ("omar", "manager", "alliances"),
        ),
        created=IMPORT.isoformat(),
        created_by="hannah",
        start="2021-09-01",
        steps=_steps(imported("2021-09", "Registered"), Review("2025-10-28", "mosaic-2025")),
    ),
    AllianceSpec(
        name="Sovereign Data Space Initiative",
        type="consortium",
        owner="alice",
        partners=(
            ("Celeste Sovereign Cloud", "lead"),
            ("Junction Data Exchange", "member"),
            ("Helvetia Compliance Partners", "member"),
        ),
        value="0",
        description="Proposed consortium for sovereign data sharing between EU companies (EU Data Act). Under assessment.",
        objectives=("O5",),
        members=(("sofia", "sponsor", "compliance"), ("junction_ceo", "sponsor", "executive")),
        created="2026-06-22",
        steps=(
            Team("2026-06-22"),
            Go("2026-07-13", "assess", "Celeste invited us to the founding group."),
        ),
    ),
)
