"""Small texts written for the tests: a review essay in two scraped copies, and a second
essay on the same subject that must never be merged with it."""

TITLE = "The Archivist's Revenge"

HEADER = """The Archivist's Revenge

The Salt Roads

by Marta Okonkwo-Hale, translated by Pieter van Loon
Brindle & Fosse, 312 pp., $16.95

Ledgers of the Northern Fleet

edited by Samuel Ashdown
Quayside Press, 188 pp., $9.50 (paper)
"""

PARAGRAPHS = [
    "“Every barrel was counted twice,” Okonkwo-Hale writes of the salt depots at Varnholm in the "
    "winter of 1851, “once by the crown and once by the smugglers.” It is a fine opening line, and "
    "the rest of her book mostly lives up to it.",
    "The depots were not, as an older school of historians liked to say, a sleepy backwater. Their "
    "ledgers, which Samuel Ashdown has now edited with great care, show cargoes moving every week "
    "between March and November, and a customs house that was rebuilt three times after fires.",
    "Okonkwo-Hale argues that the smugglers were tolerated because the garrison depended on them. "
    "That is plausible, but she offers no source for the claim that the commandant took a share of "
    "the proceeds, and the ledgers say nothing of the kind.",
    "Ashdown's edition is a model of its kind. His notes identify nearly every skipper named in the "
    "registers, and his introduction explains how the clerks abbreviated the names of the ports.",
    "What remains unclear is why the trade collapsed so quickly after 1858. Neither book answers the "
    "question, though both gather the evidence a future historian will need to settle it.",
]


def whole_copy_with_residue() -> str:
    """The whole essay as a scraper saw it: caption, credit, advertisements, issue footer."""
    body = list(PARAGRAPHS)
    body.insert(2, "Advertisement")
    return "\n\n".join(
        ["Marta Okonkwo-Hale", "Marta Okonkwo-Hale; drawing by Elsie Brand", *body, "This Issue", "March 8, 1979"]
    ) + "\n"


def cut_copy_with_header() -> str:
    """Header and title kept, first paragraph lost its opening mark, cut in the fourth paragraph."""
    first = PARAGRAPHS[0][1:]
    fourth = PARAGRAPHS[3][: PARAGRAPHS[3].index("registers") + len("registers")] + " …"
    return HEADER + "\n" + "\n\n".join([first, PARAGRAPHS[1], PARAGRAPHS[2], fourth]) + "\n"


OTHER_ESSAY = """Salt and Empire

“The salt trade made the coast,” says Hugo Brandt, whose new survey of the northern ports begins in 1790 and ends with the railways.

Brandt's survey covers the same depots at Varnholm, but it is a different kind of book: a study of prices and tariffs rather than of people, drawn from the treasury's annual accounts.

He is at his best on the tariff war of the 1840s, when the crown doubled the duty on salt twice in three years, and at his weakest when he guesses at the motives of the smugglers, about whom his sources are silent.
"""
