"""Named random streams: one per purpose, spawned from the run's SeedSequence.

Two kinds of draw are offered for each purpose:

* :meth:`RandomStreams.generator` — an ordinary ``numpy.random.Generator`` for draws whose number
  does not depend on the model's state (inflow counts, new citizens' attributes, vacancies).
* :meth:`RandomStreams.uniform` — counter-based uniforms keyed by (purpose, week, agent id, draw).
  A citizen's draw for "job finding in week 120" is the same number whichever other citizens are
  drawn for, so a strategy that changes who is at risk leaves everybody else's luck untouched.
  This is what makes baseline and strategy share every random draw the strategy does not change
  (common random numbers), with draws made only for the agents at risk. The mixing function is
  SplitMix64's finaliser (Steele, Lea & Flood 2014), applied to a per-purpose key.
"""

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

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
_TO_UNIT = 1.0 / float(1 << 53)


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

    def uniform(self, purpose: str, week: int, ids: np.ndarray, draw: int = 0) -> np.ndarray:
        """Uniform [0, 1) numbers for agents ``ids`` in ``week``, fixed by (purpose, week, id, draw).

        Args:
            purpose: One of :data:`PURPOSES`.
            week: Week index (< 2**24).
            ids: Agent indices (< 2**32).
            draw: Index of the draw when one purpose needs several per agent and week (< 256).
        """
        if kernels.compiled():
            return kernels.keyed_uniform(self._keys[purpose], week, draw, ids)
        counter = np.uint64((week << 40) | (draw << 32)) + ids.astype(np.uint64)
        z = counter * _GOLDEN + self._keys[purpose]
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        z ^= z >> _S31
        return (z >> _S11).astype(np.float64) * _TO_UNIT
