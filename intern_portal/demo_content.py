"""The names, places and topics the demo program is built from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import Role, Term

SEED = 2026
TODAY = date(2026, 11, 26)  # the demo's "today": Summer done, Fall running, Winter ahead

# Places are (city, time zone, country); interns work on site only in their own country.
SEATTLE = ("Seattle", "America/Los_Angeles", "US")
BOSTON = ("Boston", "America/New_York", "US")
BENGALURU = ("Bengaluru", "Asia/Kolkata", "IN")
GURUGRAM = ("Gurugram", "Asia/Kolkata", "IN")

ORGS = ("Alexa AI", "AWS", "Devices", "Consumer", "Finance")

# One documented password per role; each is at least the policy's 10 characters.
DEMO_PASSWORDS = {
    Role.ADMIN: "demo-admin-pass",
    Role.PROGRAM_LEAD: "demo-lead-pass",
    Role.MANAGER: "demo-manager-pass",
    Role.MENTOR: "demo-mentor-pass",
    Role.INTERN: "demo-intern-pass",
}
DEMO_EMAILS = {
    Role.ADMIN: "admin@example.com",
    Role.PROGRAM_LEAD: "lead@example.com",
    Role.MANAGER: "manager@example.com",
    Role.MENTOR: "mentor@example.com",
    Role.INTERN: "intern@example.com",
}
ADMIN_NAME = "Jordan Avery"
LEAD_NAME = "Grace Adebayo"
STAFF_TIME_ZONE = "America/Los_Angeles"


@dataclass(frozen=True)
class CohortSpec:
    term: Term
    year: int
    start: date
    end: date
    virtual: bool
    interns: int  # internships in this cohort, return interns included
    returns: int  # of which come back from the Summer cohort
    withdrawn: int


COHORTS = (
    CohortSpec(Term.SUMMER, 2026, date(2026, 5, 26), date(2026, 8, 28), False, 26, 0, 1),
    CohortSpec(Term.FALL, 2026, date(2026, 9, 8), date(2026, 12, 18), False, 24, 2, 0),
    CohortSpec(Term.WINTER, 2027, date(2027, 1, 11), date(2027, 4, 23), True, 14, 2, 1),
)


@dataclass(frozen=True)
class TeamSpec:
    org: str
    name: str
    place: tuple[str, str, str]
    manager: str
    mentors: tuple[str, ...]
    research_areas: tuple[str, ...]
    expertise: tuple[str, ...]
    focus_areas: dict[str, tuple[str, ...]]  # focus area: project titles


TEAMS = (
    TeamSpec(
        "Alexa AI", "Conversational Understanding", SEATTLE, "Sarah Whitfield",
        ("Ankit Gupta", "Emily Carter", "Hiroshi Tanaka"),
        ("dialogue systems", "natural language understanding", "large language models"),
        ("dialogue", "NLU", "LLM evaluation", "semantic parsing", "instruction tuning"),
        {
            "Multi-turn dialogue state tracking": (
                "Tracking user goals across long multi-turn conversations",
                "Recovering from misunderstood turns without restarting the dialogue",
                "Dialogue state tracking with retrieval-augmented language models",
            ),
            "Low-resource language understanding": (
                "Intent classification for new locales from a hundred examples",
                "Synthetic utterance generation for rare intents",
                "Active learning for annotating new skills",
            ),
            "Grounded answers from LLMs": (
                "Reducing hallucinated answers in a voice assistant",
                "Calibrated abstention for open-domain questions",
                "Attributing spoken answers to their sources",
            ),
        },
    ),
    TeamSpec(
        "Alexa AI", "Speech Recognition Science", BOSTON, "Sarah Whitfield",
        ("Olga Petrova", "Samuel Adeyemi"),
        ("speech recognition", "self-supervised learning for audio", "model compression"),
        ("ASR", "acoustic modelling", "keyword spotting", "quantisation", "audio SSL"),
        {
            "Far-field speech recognition": (
                "Robust wake-word detection in noisy kitchens",
                "Neural beamforming for multi-microphone devices",
                "Self-supervised pretraining on far-field audio",
            ),
            "On-device recognition": (
                "Streaming transducer models under 50 MB",
                "Quantisation-aware training for on-device recognition",
                "Personalised vocabulary without a server round-trip",
            ),
        },
    ),
    TeamSpec(
        "AWS", "ML Systems Research", SEATTLE, "David Chen",
        ("Jun Li", "Michael O'Brien", "Fatima Al-Sayed"),
        ("systems for machine learning", "ML compilers", "efficient inference"),
        ("distributed training", "GPU kernels", "compilers", "LLM serving", "scheduling"),
        {
            "Efficient distributed training": (
                "Overlapping communication and compute in pipeline-parallel training",
                "Straggler-tolerant data-parallel training",
                "Memory-efficient optimizer states for very large models",
            ),
            "Cheaper inference": (
                "Speculative decoding for code-generation models",
                "Adaptive batching for latency-bound LLM serving",
                "Mixture-of-experts inference on commodity GPUs",
            ),
            "Learned ML compilers": (
                "Learned cost models for tensor program tuning",
                "Automatic kernel fusion for transformer inference",
            ),
        },
    ),
    TeamSpec(
        "Devices", "Visual Perception", BOSTON, "María González",
        ("Lucas Moreau", "Yuna Choi"),
        ("computer vision", "robot perception", "3D vision"),
        ("SLAM", "object detection", "3D reconstruction", "embedded vision", "few-shot learning"),
        {
            "Low-power visual SLAM": (
                "Visual-inertial odometry on a microcontroller budget",
                "Relocalisation after a robot is carried to another room",
                "Map compression for long-lived home robots",
            ),
            "Understanding objects in the home": (
                "Open-vocabulary detection of household objects",
                "Recognising object state: open, closed, on, off",
                "Few-shot recognition of a household's own objects",
            ),
        },
    ),
    TeamSpec(
        "Consumer", "Product Knowledge Graph", SEATTLE, "Rachel Kim",
        ("Deepa Subramanian", "Kevin Walsh", "Inês Ferreira"),
        ("knowledge graphs", "information extraction", "entity resolution"),
        ("knowledge graphs", "entity linking", "information extraction", "GNNs", "ontologies"),
        {
            "Entity linking at catalog scale": (
                "Linking product mentions in reviews to catalog entities",
                "Deduplicating products across sellers with graph matching",
                "Entity resolution for products without identifiers",
            ),
            "Attribute extraction": (
                "Extracting product attributes from titles and bullet points",
                "Zero-shot attribute extraction for new categories",
                "Correcting wrong attribute values with consistency checks",
            ),
            "Graph completion for sparse categories": (
                "Inferring missing relations for sparse categories",
                "Complementary-product relations from co-purchase graphs",
                "Keeping seasonal products current in the graph",
            ),
        },
    ),
    TeamSpec(
        "Consumer", "Search Relevance", BENGALURU, "Rajesh Venkataraman",
        ("Karthik Raman", "Pooja Hegde", "Siddharth Rao"),
        ("information retrieval", "learning to rank", "multilingual NLP"),
        ("ranking", "query understanding", "Indic languages", "click models", "retrieval"),
        {
            "Multilingual query understanding": (
                "Understanding code-mixed Hinglish shopping queries",
                "Transliteration-robust query rewriting",
                "Spelling correction for queries in Indic scripts",
            ),
            "Learning to rank from implicit feedback": (
                "Debiasing click feedback for product ranking",
                "Counterfactual evaluation of ranking changes",
                "Ranking for rare queries with few clicks",
            ),
            "Semantic retrieval for the long tail": (
                "Dense retrieval for long-tail product queries",
                "Distilling cross-encoders into fast first-stage retrievers",
                "Mapping queries to newly launched categories",
            ),
        },
    ),
    TeamSpec(
        "Finance", "Forecasting Science", SEATTLE, "Thomas Becker",
        ("Hannah Schmidt", "Alejandro Ruiz"),
        ("time-series forecasting", "causal inference", "econometrics"),
        ("forecasting", "causal inference", "Bayesian methods", "econometrics", "time series"),
        {
            "Probabilistic demand forecasting": (
                "Forecasting demand for newly launched products",
                "Hierarchical forecasts that add up across regions",
                "Foundation models for retail time series",
            ),
            "Causal effects of pricing": (
                "Estimating price elasticity from observational data",
                "Synthetic controls for regional promotions",
                "Uplift modelling for targeted discounts",
            ),
        },
    ),
    TeamSpec(
        "Finance", "Fraud Detection", GURUGRAM, "Neha Kapoor",
        ("Amit Malhotra", "Ritu Sethi"),
        ("anomaly detection", "graph machine learning", "adversarial machine learning"),
        ("fraud", "anomaly detection", "graph ML", "streaming", "explainability"),
        {
            "Fraud-ring detection": (
                "Graph neural networks for collusive seller rings",
                "Detecting account takeovers from device graphs",
                "Explaining fraud-ring alerts to investigators",
            ),
            "Streaming anomaly detection": (
                "Real-time anomaly detection in UPI payment streams",
                "Fraud models that notice their own drift",
                "Learning from delayed chargeback labels",
            ),
        },
    ),
)

# University: the place a remote intern works from.
UNIVERSITIES = {
    "University of Washington": ("Seattle", "America/Los_Angeles", "US"),
    "MIT": ("Cambridge, MA", "America/New_York", "US"),
    "Carnegie Mellon University": ("Pittsburgh", "America/New_York", "US"),
    "Georgia Tech": ("Atlanta", "America/New_York", "US"),
    "UT Austin": ("Austin", "America/Chicago", "US"),
    "Stanford University": ("Stanford", "America/Los_Angeles", "US"),
    "UC Berkeley": ("Berkeley", "America/Los_Angeles", "US"),
    "UIUC": ("Urbana-Champaign", "America/Chicago", "US"),
    "University of Michigan": ("Ann Arbor", "America/Detroit", "US"),
    "Columbia University": ("New York", "America/New_York", "US"),
    "UMass Amherst": ("Amherst", "America/New_York", "US"),
    "University of Toronto": ("Toronto", "America/Toronto", "CA"),
    "IISc Bengaluru": ("Bengaluru", "Asia/Kolkata", "IN"),
    "IIT Delhi": ("New Delhi", "Asia/Kolkata", "IN"),
    "IIT Bombay": ("Mumbai", "Asia/Kolkata", "IN"),
    "IIIT Hyderabad": ("Hyderabad", "Asia/Kolkata", "IN"),
    "ETH Zurich": ("Zurich", "Europe/Zurich", "CH"),
    "University of Edinburgh": ("Edinburgh", "Europe/London", "GB"),
    "KAIST": ("Daejeon", "Asia/Seoul", "KR"),
}

# Sixty interns: (name, university).
INTERNS = (
    ("Aarav Sharma", "IIT Delhi"), ("Priya Raghavan", "Carnegie Mellon University"),
    ("Wei Zhang", "UIUC"), ("Chinedu Okafor", "Georgia Tech"),
    ("Sofía Hernández", "UT Austin"), ("Lena Fischer", "ETH Zurich"),
    ("Minji Park", "KAIST"), ("Omar Haddad", "University of Michigan"),
    ("Ananya Iyer", "IISc Bengaluru"), ("Lucas Oliveira", "Stanford University"),
    ("Haruto Sato", "University of Washington"), ("Emily Nguyen", "MIT"),
    ("Kwame Mensah", "Carnegie Mellon University"), ("Giulia Romano", "University of Edinburgh"),
    ("Rohan Mehta", "IIT Bombay"), ("Yuxin Wang", "Columbia University"),
    ("Adaeze Nwosu", "University of Toronto"), ("Diego Ramírez", "UC Berkeley"),
    ("Elif Yılmaz", "UMass Amherst"), ("Kavya Reddy", "IIIT Hyderabad"),
    ("Jacob Miller", "University of Washington"), ("Parisa Hosseini", "UT Austin"),
    ("Dmytro Kovalenko", "University of Toronto"), ("Sneha Kulkarni", "IISc Bengaluru"),
    ("Haoran Liu", "Carnegie Mellon University"), ("Camille Dubois", "MIT"),
    ("Tanvir Rahman", "Georgia Tech"), ("Ayesha Siddiqui", "UIUC"),
    ("Arjun Nair", "IIT Delhi"), ("Wanjiru Kamau", "University of Michigan"),
    ("Matteo Bianchi", "ETH Zurich"), ("Jiayi Zhou", "Stanford University"),
    ("Noa Levi", "Columbia University"), ("Vikram Joshi", "IIT Bombay"),
    ("Beatriz Souza", "UC Berkeley"), ("Seo-yeon Kim", "University of Washington"),
    ("Nikos Papadopoulos", "UMass Amherst"), ("Meera Krishnan", "IISc Bengaluru"),
    ("Selam Tesfaye", "Georgia Tech"), ("Aditya Banerjee", "Carnegie Mellon University"),
    ("Sanne de Vries", "University of Edinburgh"), ("Linh Tran", "UT Austin"),
    ("Mohammed Al-Rashid", "MIT"), ("Ishita Chatterjee", "IIT Delhi"),
    ("Ethan Brooks", "Georgia Tech"), ("Katarzyna Nowak", "UIUC"),
    ("Rahul Verma", "IIIT Hyderabad"), ("Yui Tanaka", "Columbia University"),
    ("Martina López", "UC Berkeley"), ("Siddharth Menon", "IISc Bengaluru"),
    ("Chloe Anderson", "University of Michigan"), ("Erik Lindqvist", "University of Toronto"),
    ("Putri Wulandari", "UMass Amherst"), ("Farhan Qureshi", "Stanford University"),
    ("Divya Pillai", "IIT Bombay"), ("Miguel Santos", "UT Austin"),
    ("Hyun-woo Lee", "KAIST"), ("Amara Obi", "MIT"),
    ("Nisha Agarwal", "IIT Delhi"), ("Tomás Silva", "Carnegie Mellon University"),
)
