#!/usr/bin/env python3
"""Peer benchmark for sgdfp on the kramers-2d problem.

kramers-2d is the Kramers oscillator in phase space (θ, v):

    dθ = v dt,   dv = (−γ v − h θ) dt + √(2γT) dW,   h = 1, γ = 0.5, T = 0.1,

whose density obeys the Fokker–Planck equation

    ∂t p = −∂θ(v p) + ∂v((γ v + h θ) p) + γT ∂v² p

on the periodic box [−3, 3]², started from the Gaussian N((1, 0), 0.05·I) and
written every 1.0 up to t = 40. The exact solution stays Gaussian, so every
method is scored against it with the same error measure, the relative L¹ error
Σ|p − p_exact| / Σ p_exact over the grid points, at t = 10 and t = 40.

Methods: sgdfp itself (its binary, one row per time scheme), a plain NumPy
Fourier pseudo-spectral reference (numpy-ifrk4), and, when importable, the
Python PDE libraries Dedalus, shenfun and py-pde. Run with --help for options.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Single-threaded peers, like sgdfp's default of one FFTW thread. Must be set
# before NumPy, numexpr or Dedalus are imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np

# ---------------------------------------------------------------------------
# The problem
# ---------------------------------------------------------------------------

H = 1.0          # curvature h (force −h θ)
GAMMA = 0.5      # friction γ
TEMP = 0.1       # temperature T
DIFF = GAMMA * TEMP   # velocity diffusion γT
HALF_WIDTH = 3.0      # box [−3, 3]² on both axes
LENGTH = 2.0 * HALF_WIDTH
MEAN0 = np.array([1.0, 0.0])
COV0 = np.diag([0.05, 0.05])
STOP = 40.0
OUTPUT_EVERY = 1.0
REPORT_TIMES = (10.0, 40.0)

DRIFT = np.array([[0.0, -1.0], [H, GAMMA]])        # dx = −A x dt + noise
DIFFUSION = np.array([[0.0, 0.0], [0.0, DIFF]])    # D, so the noise covariance rate is 2D

REPO = Path(__file__).resolve().parents[2]
RUN_FILE = REPO / "notebooks-data" / "kramers-2d.toml"
DEFAULT_SGDFP = ".build/release/sgdfp"   # relative to the repository root

ALL_METHODS = ("sgdfp", "numpy-ifrk4", "dedalus", "shenfun", "py-pde")


def coordinates(n: int) -> np.ndarray:
    """Uniform periodic grid x_j = −3 + j·6/n, j = 0..n−1, as sgdfp uses."""
    return -HALF_WIDTH + np.arange(n) * (LENGTH / n)


def expm(m: np.ndarray) -> np.ndarray:
    """Matrix exponential: SciPy's, else scaling and squaring of a Taylor series."""
    try:
        from scipy.linalg import expm as scipy_expm
        return scipy_expm(m)
    except ImportError:
        norm = np.linalg.norm(m, 1)
        squarings = max(0, int(math.ceil(math.log2(norm))) + 4) if norm > 0 else 0
        a = m / 2.0 ** squarings
        result = np.eye(len(m))
        term = np.eye(len(m))
        for k in range(1, 30):
            term = term @ a / k
            result = result + term
        for _ in range(squarings):
            result = result @ result
        return result


def exact_moments(t: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the exact Gaussian at time t.

    m(t) = e^{−At} m0,  P(t) = e^{−At} P0 e^{−Aᵀt} + W(t),
    W(t) = ∫0^t e^{−As} 2D e^{−Aᵀs} ds from Van Loan's block exponential:
    expm([[−A, 2D], [0, Aᵀ]] t) = [[·, G], [0, e^{Aᵀt}]],  W = G e^{−Aᵀt}.
    """
    decay = expm(-DRIFT * t)
    block = np.zeros((4, 4))
    block[:2, :2] = -DRIFT
    block[:2, 2:] = 2.0 * DIFFUSION
    block[2:, 2:] = DRIFT.T
    big = expm(block * t)
    w = big[:2, 2:] @ expm(-DRIFT.T * t)
    cov = decay @ COV0 @ decay.T + w
    return decay @ MEAN0, 0.5 * (cov + cov.T)


def gaussian_density(n: int, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Gaussian density on the n×n grid, axis 0 = θ, axis 1 = v (not periodised:
    the density is below 1e-15 at the box edges for all t)."""
    x = coordinates(n)
    dth = x[:, None] - mean[0]
    dv = x[None, :] - mean[1]
    prec = np.linalg.inv(cov)
    q = prec[0, 0] * dth ** 2 + 2.0 * prec[0, 1] * dth * dv + prec[1, 1] * dv ** 2
    return np.exp(-0.5 * q) / (2.0 * math.pi * math.sqrt(np.linalg.det(cov)))


def exact_density(n: int, t: float) -> np.ndarray:
    return gaussian_density(n, *exact_moments(t))


def relative_l1(p: np.ndarray, reference: np.ndarray) -> float:
    """The one error measure of this benchmark: Σ|p − p_exact| / Σ p_exact."""
    return float(np.abs(p - reference).sum() / reference.sum())


def fixed_step(n: int) -> tuple[float, int]:
    """Fixed step shared by all the Python methods: the largest dt = 1/m (so
    that the outputs at every 1.0 fall on steps) below the classical-RK4 CFL
    bound of the Fourier discretisation.

    The transport operator −v ∂θ − (γv + hθ) ∂v (+ γ) discretised with Fourier
    derivatives has eigenvalues on (or next to) the imaginary axis of modulus at
    most k_max (max|v| + max|γv + hθ|), with k_max = πN/L the Nyquist
    wavenumber and the speeds taken over the box: max|v| = 3 and
    max|γv + hθ| = 0.5·3 + 3 = 4.5. Classical RK4 is stable on the imaginary
    axis up to |λ dt| = 2√2, so dt ≤ 2√2 / (k_max · 7.5). The velocity
    diffusion is handled exactly (integrating factor / exponential / implicit),
    or, for the finite-difference peer, lies well inside RK4's stability region
    at this step (4γT/Δ² · dt ≈ 1 at N = 256, against the real-axis limit
    2.78; its central differences have symbols ≤ 1/Δ, not π/Δ, so its
    transport eigenvalues are at most a third of the bound).

    Measured at N = 64 (t ≤ 10): IF-RK4 and ETDRK4 stay stable up to 1.5×
    this step and blow up at 2×; Dedalus' RK443 blows up at 1.2×, so the step
    is close to its limit too.
    """
    k_max = math.pi * n / LENGTH
    speed = HALF_WIDTH + (GAMMA * HALF_WIDTH + H * HALF_WIDTH)
    dt_max = 2.0 * math.sqrt(2.0) / (k_max * speed)
    per_output = math.ceil(OUTPUT_EVERY / dt_max)
    return OUTPUT_EVERY / per_output, per_output


def report_frames() -> list[int]:
    """Output-frame indices of REPORT_TIMES (frame k is at t = k·OUTPUT_EVERY)."""
    return [int(round(t / OUTPUT_EVERY)) for t in REPORT_TIMES]


# ---------------------------------------------------------------------------
# Python methods. Each prepare_*(n) does the set-up (building operators,
# planning, compiling) and returns (solve, dt): solve() integrates from t = 0
# to 40 from the initial Gaussian and returns (frames, steps), frames being all
# 41 outputs (as sgdfp writes them), each a density on the (θ, v) grid.
# Set-up is timed once; solve() is timed --repeats times.
# ---------------------------------------------------------------------------


def prepare_numpy_ifrk4(n: int):
    """Fourier pseudo-spectral (rfft2, v the real axis) with the integrating
    factor exp(−γT k_v² t) for the diffusion and classical RK4 (Lawson's
    IF-RK4) for the transport terms in conservative form, fixed step."""
    dt, per_output = fixed_step(n)
    x = coordinates(n)
    theta, v = x[:, None], x[None, :]
    k = 2.0 * math.pi * np.fft.fftfreq(n, d=LENGTH / n)
    k[n // 2] = 0.0                      # odd derivative: drop the Nyquist mode
    ik_theta = (1j * k)[:, None]
    k_r = 2.0 * math.pi * np.fft.rfftfreq(n, d=LENGTH / n)
    ik_v = (1j * np.where(np.arange(len(k_r)) == n // 2, 0.0, k_r))[None, :]
    e_half = np.exp(-DIFF * k_r ** 2 * dt / 2.0)[None, :]
    e_full = e_half * e_half
    force = GAMMA * v + H * theta        # ∂v(force p)
    vel = np.broadcast_to(v, (n, n))     # −∂θ(vel p)
    p0 = exact_density(n, 0.0)

    def transport(ph):
        p = np.fft.irfft2(ph, s=(n, n))
        return ik_v * np.fft.rfft2(force * p) - ik_theta * np.fft.rfft2(vel * p)

    def solve():
        ph = np.fft.rfft2(p0)
        frames = [np.fft.irfft2(ph, s=(n, n))]
        h2, h3, h6 = dt / 2.0, dt / 3.0, dt / 6.0
        for _ in range(int(round(STOP / OUTPUT_EVERY))):
            for _ in range(per_output):
                k1 = transport(ph)
                k2 = transport(e_half * (ph + h2 * k1))
                k3 = transport(e_half * ph + h2 * k2)
                k4 = transport(e_full * ph + dt * (e_half * k3))
                ph = e_full * (ph + h6 * k1) + e_half * (h3 * (k2 + k3)) + h6 * k4
            frames.append(np.fft.irfft2(ph, s=(n, n)))
        return frames, per_output * (len(frames) - 1)

    return solve, dt


def prepare_dedalus(n: int):
    """Dedalus 3: RealFourier bases on both axes, the diffusion implicit on the
    left-hand side, the transport explicit on the right, IMEX RK443, fixed step.

    The coefficients v and γv + hθ are not periodic. Stored as Dedalus fields
    they become truncated Fourier series without a Nyquist mode, which shifts
    the sampled sawtooth by ±Δ/2 at alternate points and costs a few per cent
    of relative L¹ error whatever the step; so the two products are formed on
    the grid with d3.GeneralFunction, as a collocation code does (dealias = 1:
    the equation is linear in p and the coefficients are not band-limited, so
    padding would not make the products exact anyway)."""
    import logging
    import dedalus.public as d3
    from dedalus.core.operators import GeneralFunction
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)

    dt, per_output = fixed_step(n)
    coords = d3.CartesianCoordinates("theta", "v")
    dist = d3.Distributor(coords, dtype=np.float64)
    tb = d3.RealFourier(coords["theta"], size=n, bounds=(-HALF_WIDTH, HALF_WIDTH), dealias=1)
    vb = d3.RealFourier(coords["v"], size=n, bounds=(-HALF_WIDTH, HALF_WIDTH), dealias=1)
    theta, v = dist.local_grids(tb, vb)
    assert np.allclose(theta.ravel(), coordinates(n)) and np.allclose(v.ravel(), coordinates(n))
    p = dist.Field(name="p", bases=(tb, vb))
    vel = np.broadcast_to(v, (n, n)).copy()
    force = GAMMA * v + H * theta
    vel_p = GeneralFunction(dist, p.domain, (), np.float64, "g", lambda f: vel * f["g"], args=[p])
    force_p = GeneralFunction(dist, p.domain, (), np.float64, "g", lambda f: force * f["g"], args=[p])
    d_theta = lambda f: d3.Differentiate(f, coords["theta"])  # noqa: E731
    d_v = lambda f: d3.Differentiate(f, coords["v"])          # noqa: E731
    problem = d3.IVP([p], namespace={"p": p, "vel_p": vel_p, "force_p": force_p, "D": DIFF,
                                     "d_theta": d_theta, "d_v": d_v, "dt": d3.TimeDerivative})
    problem.add_equation("dt(p) - D*d_v(d_v(p)) = - d_theta(vel_p) + d_v(force_p)")
    solver = problem.build_solver(d3.RK443)
    p0 = exact_density(n, 0.0)

    def solve():
        p["g"] = p0
        solver.sim_time = 0.0
        p.change_scales(1)
        frames = [np.copy(p["g"])]
        for _ in range(int(round(STOP / OUTPUT_EVERY))):
            for _ in range(per_output):
                solver.step(dt)
            p.change_scales(1)
            frames.append(np.copy(p["g"]))
        return frames, per_output * (len(frames) - 1)

    return solve, dt


def prepare_shenfun(n: int):
    """shenfun: Fourier TensorProductSpace (complex θ axis, real v axis), the
    diffusion as the linear operator and the transport as the nonlinear term of
    shenfun's ETDRK4 integrator, products on the grid (no padding: linear
    equation, coefficients not band-limited), Nyquist masked, fixed step."""
    from mpi4py import MPI
    import shenfun as sf

    dt, per_output = fixed_step(n)
    f_theta = sf.FunctionSpace(n, "F", dtype="D", domain=(-HALF_WIDTH, HALF_WIDTH))
    f_v = sf.FunctionSpace(n, "F", dtype="d", domain=(-HALF_WIDTH, HALF_WIDTH))
    space = sf.TensorProductSpace(MPI.COMM_SELF, (f_theta, f_v))
    theta, v = space.local_mesh(True)
    assert np.allclose(theta[:, 0], coordinates(n)) and np.allclose(v[0, :], coordinates(n))
    k_theta, k_v = space.local_wavenumbers(scaled=True)
    mask = space.get_mask_nyquist()
    vel = np.broadcast_to(v, (n, n)).copy()
    force = GAMMA * v + H * theta
    work = sf.Array(space)
    work_hat = sf.Function(space)

    def linear(self, u, **params):
        # γT ∂v², assembled and reduced to its diagonal (the Fourier multiplier −γT k_v²)
        form = sf.inner(sf.TestFunction(space), DIFF * sf.Dx(u, 1, 2))
        return sf.get_simplified_tpmatrices([form])[0]

    def nonlinear(self, u, u_hat, rhs, **params):
        u = space.backward(u_hat, u)
        work[:] = force * u
        rhs[:] = 1j * k_v * space.forward(work, work_hat)
        work[:] = vel * u
        rhs -= 1j * k_theta * space.forward(work, work_hat)
        rhs.mask_nyquist(mask)
        return rhs

    u = sf.Array(space)
    integrator = sf.ETDRK4(space, L=linear, N=nonlinear)
    integrator.setup(dt)
    p0 = exact_density(n, 0.0)

    def solve():
        u[:] = p0
        u_hat = u.forward()
        frames = [np.copy(u_hat.backward())]
        t = 0.0
        for _ in range(int(round(STOP / OUTPUT_EVERY))):
            u_hat = integrator.solve(u, u_hat, dt, (t, t + OUTPUT_EVERY))
            t += OUTPUT_EVERY
            frames.append(np.copy(u_hat.backward()))
        return frames, per_output * (len(frames) - 1)

    return solve, dt


def prepare_py_pde(n: int):
    """py-pde: its expression PDE on a periodic CartesianGrid (second-order
    central finite differences, numba-compiled, single-threaded), classical RK4
    (RungeKuttaSolver with adaptive=False), fixed step. The grid is shifted by
    half a cell so that py-pde's cell centres are sgdfp's points."""
    import pde

    pde.config["backend.numba.multithreading"] = "never"
    dt, _ = fixed_step(n)
    dx = LENGTH / n
    grid = pde.CartesianGrid([[-HALF_WIDTH - dx / 2, HALF_WIDTH - dx / 2]] * 2, [n, n], periodic=True)
    assert np.allclose(grid.axes_coords[0], coordinates(n)) and np.allclose(grid.axes_coords[1], coordinates(n))
    eq = pde.PDE({"p": "-d_dx(y * p) + d_dy((g * y + h * x) * p) + D * d2_dy2(p)"},
                 consts={"g": GAMMA, "h": H, "D": DIFF})
    p0 = exact_density(n, 0.0)
    state = pde.ScalarField(grid, p0)
    solver = pde.RungeKuttaSolver(eq, adaptive=False)
    stepper = solver.make_stepper(state, dt)          # numba compilation
    stepper(state.copy(), 0.0, dt)                    # first call compiles the loop

    def solve():
        state.data[...] = p0
        solver.info["steps"] = 0
        frames = [np.copy(state.data)]
        t = 0.0
        for _ in range(int(round(STOP / OUTPUT_EVERY))):
            stepper(state, t, t + OUTPUT_EVERY)
            t += OUTPUT_EVERY
            frames.append(np.copy(state.data))
        return frames, int(solver.info["steps"])

    return solve, dt


# method: (module whose import tells that the peer is installed, scheme label, prepare)
PYTHON_METHODS = {
    "numpy-ifrk4": ("numpy", "IF-RK4 (Fourier)", prepare_numpy_ifrk4),
    "dedalus": ("dedalus", "RK443 (Fourier)", prepare_dedalus),
    "shenfun": ("shenfun", "ETDRK4 (Fourier)", prepare_shenfun),
    "py-pde": ("pde", "RK4 (FD2)", prepare_py_pde),
}


def run_worker(method: str, n: int, repeats: int, out: Path) -> None:
    """Child process: set up once, solve `repeats` times, write a JSON result."""
    module, _, prepare = PYTHON_METHODS[method]
    result: dict = {}
    try:
        __import__(module)
    except Exception as err:  # noqa: BLE001 - a broken install counts as not installed
        out.write_text(json.dumps({"not_installed": f"{type(err).__name__}: {err}"}))
        return
    try:
        t0 = time.perf_counter()
        solve, dt = prepare(n)
        result["setup_seconds"] = time.perf_counter() - t0
        result["solve_seconds"] = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            frames, steps = solve()
            result["solve_seconds"].append(time.perf_counter() - t0)
        result.update(steps=steps, dt=dt, version=module_version(module))
        result["l1"] = [relative_l1(frames[i], exact_density(n, t))
                        for t, i in zip(REPORT_TIMES, report_frames())]
    except Exception as err:  # noqa: BLE001 - reported in the table
        result = {"error": f"{type(err).__name__}: {err}"}
    out.write_text(json.dumps(result))


def run_python_method(method: str, n: int, repeats: int, workdir: Path) -> dict:
    """Run one Python method on one grid in a child process of this interpreter,
    so that the libraries (each with its own FFTW or numba state) never share one."""
    out = workdir / f"{method}-{n}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", method,
           "--grids", str(n), "--repeats", str(repeats), "--json", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if out.is_file():
        return json.loads(out.read_text())
    tail = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()[-1]
    return {"error": f"worker exited with code {proc.returncode}: {tail}"}


def module_version(module: str) -> str:
    return str(getattr(sys.modules[module], "__version__", "?"))


# ---------------------------------------------------------------------------
# sgdfp
# ---------------------------------------------------------------------------


class SchemeUnavailable(RuntimeError):
    """The sgdfp binary does not know the requested time scheme."""


def run_sgdfp_once(binary: Path, n: int, scheme: str, workdir: Path):
    """One sgdfp solve; returns (h5 path, subprocess seconds) or raises RuntimeError."""
    out = workdir / f"k-{n}-{scheme}.h5"
    cmd = [str(binary), "solve", str(RUN_FILE), "-o", str(out), "--overwrite", "--quiet",
           "--points", str(n), "--set", f"time.scheme={scheme}"]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    except OSError as err:
        raise RuntimeError(f"cannot run {binary}: {err}") from err
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        message = (proc.stderr.strip() or proc.stdout.strip() or f"exit code {proc.returncode}")
        message = message.splitlines()[-1].removeprefix("sgdfp: error: ")
        if "nknown time scheme" in message:
            raise SchemeUnavailable(message)
        raise RuntimeError(message)
    return out, elapsed


def read_sgdfp(path: Path, n: int):
    """Errors and run facts of one sgdfp output file, cross-checked against
    this script's own grid and exact Gaussian."""
    try:
        return _read_sgdfp(path, n)
    except (OSError, KeyError) as err:
        raise RuntimeError(f"cannot read {path.name}: {err}") from err


def _read_sgdfp(path: Path, n: int):
    import h5py

    warnings = []
    with h5py.File(path, "r") as f:
        times = f["time"][:]
        theta, v = f["theta"][:], f["v"][:]
        if not (np.allclose(theta, coordinates(n), atol=1e-12, rtol=0)
                and np.allclose(v, coordinates(n), atol=1e-12, rtol=0)):
            warnings.append(f"N={n}: sgdfp's theta/v coordinates differ from x_j = -3 + 6j/N")
        result = {"l1": [], "l1_own_exact": [], "exact_gap": 0.0, "steps": int(f.attrs["steps"]),
                  # Stepping only (frame output excluded) where the binary records it.
                  "solver_seconds": float(f.attrs["solver_time_seconds"] if "solver_time_seconds" in f.attrs
                                          else f.attrs["wall_time_seconds"])}
        for t in REPORT_TIMES:
            idx = np.flatnonzero(np.abs(times - t) < 1e-9)
            if len(idx) != 1:
                raise RuntimeError(f"no output frame at t = {t:g}")
            p = f["density"][idx[0]]
            p_exact_sgdfp = f["exact_density"][idx[0]]
            p_exact = exact_density(n, t)
            result["l1"].append(relative_l1(p, p_exact_sgdfp))
            result["l1_own_exact"].append(relative_l1(p, p_exact))
            gap = relative_l1(p_exact_sgdfp, p_exact)
            result["exact_gap"] = max(result["exact_gap"], gap)
            if gap > 1e-12:
                warnings.append(f"N={n}, t={t:g}: sgdfp's exact_density differs from the Python "
                                f"exact Gaussian by {gap:.2e} (relative L1 > 1e-12)")
    return result, warnings


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------


def resolve_sgdfp(option: str) -> Path:
    path = Path(option).expanduser()
    return path if path.is_absolute() else REPO / path


def parse_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Solve kramers-2d with sgdfp and with Python peers; print one table.")
    parser.add_argument("--grids", default="64,128,256",
                        help="points per axis, comma-separated (default 64,128,256)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs per row; the median is reported (default 3)")
    parser.add_argument("--methods", default=",".join(ALL_METHODS),
                        help=f"comma-separated subset of {','.join(ALL_METHODS)} (default all)")
    parser.add_argument("--sgdfp", default=DEFAULT_SGDFP,
                        help="sgdfp binary; a relative path is taken from the repository root "
                             f"(default {DEFAULT_SGDFP})")
    parser.add_argument("--schemes", default="exact,lawson-dp54",
                        help="sgdfp time schemes, comma-separated (default exact,lawson-dp54)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON to FILE")
    parser.add_argument("--worker", choices=sorted(PYTHON_METHODS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:   # child process of run_python_method
        run_worker(args.worker, int(args.grids), args.repeats, Path(args.json))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)   # skip interpreter finalisation: some peers' FFTW clean-up is fragile

    try:
        grids = [int(g) for g in parse_list(args.grids)]
    except ValueError:
        parser.error(f"--grids takes comma-separated integers, not {args.grids!r}")
    methods = parse_list(args.methods)
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown:
        parser.error(f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(ALL_METHODS)}")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if any(n < 8 or n % 2 for n in grids):
        parser.error("grid sizes must be even and at least 8")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rows: list[dict] = []
    warnings: list[str] = []
    exact_gap = None   # largest relative L1 gap, sgdfp's exact_density vs the Python Gaussian

    # sgdfp first: its fastest scheme on each grid is the reference of the ratio column.
    if "sgdfp" in methods:
        binary = resolve_sgdfp(args.sgdfp)
        schemes = parse_list(args.schemes)
        if not binary.is_file():
            rows.append({"method": "sgdfp", "scheme": "", "grid": None,
                         "status": f"binary not found ({binary})"})
        else:
            with tempfile.TemporaryDirectory(prefix="sgdfp-peers-") as tmp:
                for n in grids:
                    for scheme in schemes:
                        row = {"method": "sgdfp", "scheme": scheme, "grid": n}
                        solver_times, process_times = [], []
                        try:
                            for r in range(args.repeats):
                                log(f"sgdfp {scheme} N={n} run {r + 1}/{args.repeats}")
                                path, elapsed = run_sgdfp_once(binary, n, scheme, Path(tmp))
                                result, warns = read_sgdfp(path, n)
                                solver_times.append(result["solver_seconds"])
                                process_times.append(elapsed)
                                path.unlink()
                        except SchemeUnavailable as err:
                            row["status"] = f"unavailable in this build ({err})"
                            rows.append(row)
                            log(f"  {row['status']}")
                            continue
                        except RuntimeError as err:
                            row["status"] = f"failed: {err}"
                            rows.append(row)
                            log(f"  {row['status']}")
                            continue
                        warnings.extend(w for w in warns if w not in warnings)
                        exact_gap = max(exact_gap or 0.0, result["exact_gap"])
                        row.update(status="ok", steps=result["steps"], dt=None,
                                   solve_seconds=statistics.median(solver_times),
                                   total_seconds=statistics.median(process_times),
                                   l1_t10=result["l1"][0], l1_t40=result["l1"][1],
                                   l1_own_exact_t10=result["l1_own_exact"][0],
                                   l1_own_exact_t40=result["l1_own_exact"][1],
                                   exact_gap=result["exact_gap"])
                        rows.append(row)

    python_methods = [m for m in methods if m != "sgdfp"]
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        for name in python_methods:
            _, scheme, _ = PYTHON_METHODS[name]
            for n in grids:
                log(f"{name} N={n} ({args.repeats} run(s))")
                result = run_python_method(name, n, args.repeats, Path(tmp))
                row = {"method": name, "scheme": scheme, "grid": n}
                if "not_installed" in result:
                    row.update(grid=None, status="not installed", detail=result["not_installed"])
                    rows.append(row)
                    log(f"  not installed ({result['not_installed']})")
                    break
                if "error" in result:
                    row["status"] = f"failed: {result['error']}"
                    rows.append(row)
                    log(f"  {row['status']}")
                    continue
                solve = statistics.median(result["solve_seconds"])
                row.update(status="ok", version=result["version"], steps=result["steps"],
                           dt=result["dt"], solve_seconds=solve,
                           total_seconds=result["setup_seconds"] + solve,
                           l1_t10=result["l1"][0], l1_t40=result["l1"][1])
                rows.append(row)

    # Ratio against sgdfp's fastest scheme on the same grid.
    fastest = {}
    for row in rows:
        if row["method"] == "sgdfp" and row.get("status") == "ok":
            n = row["grid"]
            fastest[n] = min(fastest.get(n, math.inf), row["solve_seconds"])
    for row in rows:
        if row.get("status") == "ok" and row["grid"] in fastest:
            row["ratio_to_sgdfp"] = row["solve_seconds"] / fastest[row["grid"]]

    print_table(rows, args.repeats)
    if exact_gap is not None:
        print(f"Cross-check: sgdfp's exact_density vs this script's exact Gaussian at t = 10, 40: "
              f"largest relative L1 gap {exact_gap:.1e} (warning above 1e-12).")
    for w in warnings:
        print(f"WARNING: {w}")

    if args.json:
        payload = {
            "problem": "kramers-2d",
            "parameters": {"h": H, "gamma": GAMMA, "T": TEMP, "box_half_width": HALF_WIDTH,
                           "mean0": MEAN0.tolist(), "cov0": COV0.tolist(), "stop": STOP,
                           "output_every": OUTPUT_EVERY},
            "error": "relative L1 = sum|p - p_exact| / sum p_exact over the grid",
            "repeats": args.repeats,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "machine": platform.machine(),
            "rows": rows,
            "warnings": warnings,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


def print_table(rows: list[dict], repeats: int) -> None:
    def fmt_e(x):
        return f"{x:.2e}" if x is not None else "-"

    header = ["method", "scheme", "N", "steps", "dt", "solve s", "total s",
              "L1 t=10", "L1 t=40", "x sgdfp"]
    lines = []
    for row in rows:
        grid = str(row["grid"]) if row.get("grid") else "-"
        if row.get("status") != "ok":
            lines.append([row["method"], row.get("scheme", ""), grid, row["status"]])
            continue
        lines.append([
            row["method"], row["scheme"], grid, str(row["steps"]),
            f"{row['dt']:.3e}" if row.get("dt") else "-",
            f"{row['solve_seconds']:.3f}", f"{row['total_seconds']:.3f}",
            fmt_e(row["l1_t10"]), fmt_e(row["l1_t40"]),
            f"{row['ratio_to_sgdfp']:.2f}" if "ratio_to_sgdfp" in row else "-",
        ])
    widths = [len(h) for h in header]
    for line in lines:
        if len(line) == len(header):
            widths = [max(w, len(c)) for w, c in zip(widths, line)]
    print(f"kramers-2d, t in [0, 40], outputs every 1.0; median of {repeats} run(s)")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        if len(line) == len(header):
            print("  ".join(c.ljust(w) for c, w in zip(line, widths)))
        else:
            print("  ".join(c.ljust(w) for c, w in zip(line[:3], widths)) + "  " + line[3])
    print("dt: the fixed step of the Python methods (sgdfp's schemes choose their own steps).")
    print("solve s: sgdfp's own solver_time_seconds attribute (stepping only: no set-up, no output);"
          " Python methods: time stepping only.")
    print("total s: sgdfp subprocess wall time (start-up, FFTW planning, HDF5 output);"
          " Python methods: set-up (operators, planning, JIT) + time stepping.")
    print("L1 = sum|p - p_exact| / sum p_exact over the grid; x sgdfp = solve s / solve s of the"
          " fastest sgdfp scheme on the same N.")


if __name__ == "__main__":
    sys.exit(main())
