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

# Launch-plan templates every team writes from: (name, paper goal, production goal, milestones).
# A milestone is (week, title, description); week N is due on the fifth day of that week.
RESEARCH_TEMPLATE = (
    "Research internship", True, False,
    (
        (1, "Set up the environment and reproduce the baseline",
         "Accounts, data access and the team's baseline numbers reproduced."),
        (2, "Write the one-page problem statement",
         "The question, why it matters, how we will know it worked; reviewed with the mentor."),
        (4, "Literature review and first experiment",
         "A short related-work list and the first result against the baseline."),
        (7, "Mid-internship review",
         "Present results so far to the team; agree on the paper's main claim."),
        (10, "Main experiments complete", "All numbers for the paper's main table."),
        (13, "Paper draft and final talk", "Full draft shared with co-authors; final team talk."),
    ),
)
APPLIED_TEMPLATE = (
    "Applied science internship", False, True,
    (
        (1, "Onboarding and data access", "Pipelines, dashboards and the current model's metrics."),
        (3, "Offline prototype", "A prototype that beats the current model offline."),
        (6, "Design review with engineering",
         "Agree on the serving path, latency budget and an A/B plan."),
        (9, "Online experiment running", "The change behind a flag in an A/B test."),
        (12, "Hand-over and write-up", "Runbook, results write-up and hand-over to the owners."),
    ),
)
# Each team's usual paper venues; the first is what its research template aims for.
TEAM_VENUES = {
    "Conversational Understanding": ("ACL", "EMNLP", "NeurIPS"),
    "Speech Recognition Science": ("ICASSP", "Interspeech", "ICML"),
    "ML Systems Research": ("MLSys", "NeurIPS", "ICML"),
    "Visual Perception": ("CVPR", "ICCV", "NeurIPS"),
    "Product Knowledge Graph": ("KDD", "ACL", "WWW"),
    "Search Relevance": ("SIGIR", "EMNLP", "KDD"),
    "Forecasting Science": ("NeurIPS", "ICML", "KDD"),
    "Fraud Detection": ("KDD", "NeurIPS", "WWW"),
}
TOP_TIER_VENUES = frozenset({"ACL", "EMNLP", "NeurIPS", "ICML", "CVPR", "ICCV", "KDD", "SIGIR",
                             "WWW", "MLSys"})
INTERNAL_VENUE = "Amazon Machine Learning Conference (internal)"
DONE_NOTES = (
    "Done; notes are in the project doc.",
    "Reviewed with my mentor, who signed off.",
    "Finished a little early.",
    "Done, with two follow-ups noted for next week.",
    "Shared with the team in the weekly sync.",
    "",
)

LUNCH_TOPICS = (
    "Ask me anything about research careers",
    "From a paper to a product",
    "Picking a PhD thesis topic",
    "Life as an applied scientist",
    "Writing papers people read",
    "Open questions in my area",
)
CANCEL_REASONS = (
    "A deadline moved up; sorry!",
    "Feeling unwell today.",
    "Clashes with my team's design review.",
    "Travelling that day.",
)
# US mentors host no lunch dates on Thanksgiving, the demo's today.
THANKSGIVING = date(2026, 11, 26)

# Production outcomes and extra outcome kinds, written from the project title.
PRODUCTION_TITLES = (
    "{title}: model in the team's serving stack",
    "{title}: pipeline adopted by the owning team",
    "{title}: launched behind an A/B test",
)
TUTORIAL_VENUES = ("KDD 2027 tutorials", "ACL 2027 tutorials")
PATENT_TITLE = "System and method for {title}"
OPEN_SOURCE_URL = "https://github.com/example-intern-portal/{slug}"


@dataclass(frozen=True)
class EventSpec:
    kind: str  # an EventKind value
    title: str
    description: str
    day: date
    hour: int
    minutes: int
    team: str | None = None
    cancelled: bool = False


EVENT_TIME_ZONE = "America/Los_Angeles"
FALL_EVENTS = (
    EventSpec("networking", "Welcome mixer for the Fall cohort",
              "Meet the other interns, the program team and a few mentors. Cameras on!",
              date(2026, 9, 10), 9, 60),
    EventSpec("fireside_chat", "Fireside chat with the VP of Applied Science",
              "How science teams choose problems, and what makes an internship project land.",
              date(2026, 9, 24), 10, 60),
    EventSpec("knowledge_sharing", "Knowledge sharing: evaluating LLMs without fooling yourself",
              "Hiroshi Tanaka on benchmark leakage, judge models and honest baselines.",
              date(2026, 10, 8), 9, 45),
    EventSpec("discussion_group", "Discussion group: reading papers critically",
              "A moderated discussion in small groups; bring a paper you disagreed with.",
              date(2026, 10, 22), 8, 60),
    EventSpec("knowledge_sharing", "Knowledge sharing: shipping a model behind an A/B test",
              "Karthik Raman on what changes between an offline win and a launch.",
              date(2026, 11, 5), 8, 45, cancelled=True),
    EventSpec("team_event", "Product Knowledge Graph team offsite (virtual)",
              "Lightning talks from each intern, then an online trivia game.",
              date(2026, 11, 12), 13, 90, team="Product Knowledge Graph"),
    EventSpec("knowledge_sharing", "Knowledge sharing: shipping a model behind an A/B test",
              "Rescheduled from 5 Nov. Karthik Raman on what changes between an offline win "
              "and a launch.",
              date(2026, 12, 3), 8, 45),
    EventSpec("networking", "End-of-term showcase and farewell",
              "Five-minute project showcases from every Fall intern.",
              date(2026, 12, 15), 9, 90),
)

# Last year's Summer cohort, so the reports' trend has a finished year to compare with.
PAST_COHORT = CohortSpec(Term.SUMMER, 2025, date(2025, 5, 27), date(2025, 8, 29), False, 15, 3, 0)
PAST_INTERNS = (
    ("Julia Novak", "University of Toronto"), ("Kenji Watanabe", "Stanford University"),
    ("Fatou Diop", "Columbia University"), ("Rahul Prasad", "IIT Bombay"),
    ("Hana Yoshida", "UC Berkeley"), ("Mateus Costa", "UT Austin"),
    ("Leah Goldberg", "MIT"), ("Sanjay Pillai", "IISc Bengaluru"),
    ("Olivia Bennett", "University of Washington"), ("Yusuf Demir", "ETH Zurich"),
    ("Grace Liu", "Carnegie Mellon University"), ("Anika Bose", "IIT Delhi"),
)
