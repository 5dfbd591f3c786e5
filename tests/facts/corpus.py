"""A small source with competing claims, an FAQ block and a table; its manifest and facts."""

from __future__ import annotations

REPORT = """Detainer report

The police department received 15 detainer requests in 2024, Chief Ann Smith said.
The agency sent 198 detainer requests to the police in 2024, spokeswoman Jo Lee wrote.
According to city data, there were more than 12 requests in 2023 and two in 2022.
Police said the 15 requests it received last year were all declined.
Frequently Asked Questions
How many detainer requests did the police receive in 2024?
The police department received 15 detainer requests in 2024.
Who leads the police department?
Chief Ann Smith leads the police department.
Key Figures
| Feature | Description |
|---|---|
| Requests Declined (2024) | 15 detainer requests |
| Share Declined | 100% |
| Official in Charge | Chief Ann Smith |
"""

MANIFEST = """[[source]]
file = "report.txt"
title = "Detainer report"
publisher = "City Desk"
year = 2025
"""

FACTS = """[[fact]]
subject = "Police department"
measure = "detainer requests received"
period = "2024"
value = "15"
claimed_by = "Police (Chief Ann Smith)"
source = "report.txt"
quote = "The police department received 15 detainer requests in 2024, Chief Ann Smith said."

[[fact]]
subject = "Police department"
measure = "detainer requests received"
period = "2024"
value = "198"
claimed_by = "Agency (spokeswoman Jo Lee)"
source = "report.txt"
quote = "The agency sent 198 detainer requests to the police in 2024, spokeswoman Jo Lee wrote."

[[fact]]
subject = "Police department"
measure = "detainer requests received"
period = "2023"
value = "more than 12"
claimed_by = "City data"
source = "report.txt"
quote = "According to city data, there were more than 12 requests in 2023 and two in 2022."

[[fact]]
subject = "Police department"
measure = "police chief"
value = "Ann Smith"
claimed_by = "City Desk"
source = "report.txt"
quote = "Chief Ann Smith leads the police department."
aliases = ["who leads the police"]
"""

ENTRY_QUOTE = (
    "The agency sent 198 detainer requests to the police in 2024, spokeswoman Jo Lee wrote."
)
FAQ_ANSWER = "The police department received 15 detainer requests in 2024."
