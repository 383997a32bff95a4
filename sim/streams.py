"""Named random streams: one per purpose, spawned from the run's SeedSequence.

Two kinds of draw are offered for each purpose:

* :meth:`RandomStreams.generator` — an ordinary ``numpy.random.Generator`` for draws whose number
  does not depend on the model's state (inflow counts, new citizens' attributes, vacancies).
* :meth:`RandomStreams.uniform` — counter-based uniforms for one declared *decision*
  (:data:`DECISIONS`), keyed by (the decision's purpose and draw, week, agent id).
  A citizen's draw for "job finding in week 120" is the same number whichever other citizens are
  drawn for, so a strategy that changes who is at risk leaves everybody else's luck untouched.
  This is what makes baseline and strategy share every random draw the strategy does not change
  (common random numbers), with draws made only for the agents at risk. The mixing function is
  SplitMix64's finaliser (Steele, Lea & Flood 2014), applied to a per-purpose key
  (:func:`raaderum.sim.kernels.keyed_uniform`).
"""

from dataclasses import dataclass

import numpy as np

from . import kernels

#: Stream purposes, in spawn order. The order fixes which stream a seed gives each purpose, so
#: purposes are only ever appended. "meeting" and "mobility" are reserved (currently unused:
#: meetings are allocated without chance, moving away is drawn with a citizen's attributes).
PURPOSES = (
    "population",
    "inflow",
    "cycle",
    "employer_setup",
    "employer_demand",
    "employer_choice",
    "job_finding",
    "meeting",
    "programme",
    "assessment",
    "barrier_shock",
    "education",
    "self_support",
    "relapse",
    "mobility",
    "sickness",
    "caseworker_turnover",
)


@dataclass(frozen=True)
class Decision:
    """A random decision of the weekly rules, with the key its draws come from.

    Attributes:
        name: What is decided (the name the rules use).
        purpose: The stream (one of :data:`PURPOSES`) whose key the draws are made with.
        draw: The draw's index within the purpose: two decisions of one purpose never share it,
            so no two decisions can draw the same (key, week, agent) number.
        doc: What a draw below the probability means.
    """

    name: str
    purpose: str
    draw: int
    doc: str


#: Every random decision the weekly rules make, each with its own (purpose, draw) key.
DECISIONS = {
    d.name: d
    for d in (
        Decision("caseworker_quits", "caseworker_turnover", 0, "a caseworker quits this week"),
        Decision("job_offer", "job_finding", 0, "a citizen who seeks work is hired this week"),
        Decision("hiring_firm", "employer_choice", 0, "which firm hires: by its open vacancies"),
        Decision("return_to_employer", "employer_choice", 1, "the firm a recovered sick-listed returns to"),
        Decision("internship_host", "employer_choice", 2, "the firm that hosts an internship: by size"),
        Decision("programme_referral", "programme", 0, "a meeting refers to an internship or a course"),
        Decision("internship_to_job", "programme", 1, "an internship ending this week becomes a job"),
        Decision("flex_job_found", "assessment", 0, "a flex job is found when clarified to one"),
        Decision("sickness_recovery", "sickness", 0, "a sick-listed citizen recovers this week"),
        Decision("back_to_job", "sickness", 1, "the recovered return to a job (not to job-ready)"),
        Decision("education_start", "education", 0, "an education-ready citizen starts education"),
        Decision("other_self_support", "self_support", 0, "self-support without a job this week"),
        Decision("relapse_threshold", "relapse", 0, "the cumulative hazard at which an exit relapses"),
        Decision(
            "relapse_threshold_before",
            "relapse",
            1,
            "the same, still to come, for an exit of the burn-in that has not relapsed",
        ),
        Decision("barrier_shock", "barrier_shock", 0, "a barrier rises this week"),
        Decision("barrier_shock_domain", "barrier_shock", 1, "which barrier: health, social or skills"),
    )
}


def fresh_seed_sequence(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """A SeedSequence that has spawned no children yet, for an int or a SeedSequence.

    Spawning counts children on the object, so reusing a SeedSequence would give new streams.
    A copy with the same entropy and spawn key makes the same seed give the same streams
    however often it is used (e.g. for a baseline and its strategy).
    """
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)
    return np.random.SeedSequence(seed)


class RandomStreams:
    """One independent random stream per purpose, all spawned from one seed."""

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        root = fresh_seed_sequence(seed)
        self._generators: dict[str, np.random.Generator] = {}
        self._keys: dict[str, np.uint64] = {}
        for purpose, child in zip(PURPOSES, root.spawn(len(PURPOSES)), strict=True):
            gen_seq, key_seq = child.spawn(2)
            self._generators[purpose] = np.random.default_rng(gen_seq)
            self._keys[purpose] = np.uint64(key_seq.generate_state(1, np.uint64)[0])

    def generator(self, purpose: str) -> np.random.Generator:
        """The sequential generator of ``purpose``."""
        return self._generators[purpose]

    def uniform(self, decision: str, week: int, ids: np.ndarray) -> np.ndarray:
        """Uniform [0, 1) numbers for agents ``ids`` in ``week``, fixed by (decision, week, id).

        Args:
            decision: A name of :data:`DECISIONS`.
            week: Week index (< 2**24).
            ids: Agent indices (< 2**32).

        Raises:
            KeyError: ``decision`` is not declared.
        """
        if decision not in DECISIONS:
            raise KeyError(f"undeclared random decision {decision!r}; declared: {', '.join(DECISIONS)}")
        d = DECISIONS[decision]
        return self.keyed_uniform(d.purpose, week, ids, d.draw)

    def keyed_uniform(self, purpose: str, week: int, ids: np.ndarray, draw: int = 0) -> np.ndarray:
        """The uniforms of (purpose, draw) for ``ids`` in ``week``: what :meth:`uniform` draws.

        Args:
            purpose: One of :data:`PURPOSES`.
            week: Week index (< 2**24).
            ids: Agent indices (< 2**32).
            draw: Index of the draw within the purpose (< 256).
        """
        return kernels.keyed_uniform(self._keys[purpose], week, draw, ids)
