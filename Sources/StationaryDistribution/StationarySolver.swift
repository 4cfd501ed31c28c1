import Foundation
import FokkerPlanck
import LangevinModel
import Spectral

/// Settings of the direct stationary solve.
public struct StationarySolverSettings: Sendable {
    /// Target of ‖L p‖₂/‖p‖₂ (per unit time) for the pseudo-spectral operator L on the grid.
    public var residualTolerance: Double
    /// Most propagator applications (Krylov iterations) in all.
    public var maxApplications: Int
    /// Krylov vectors kept before a restart.
    public var krylovDimension: Int
    /// The propagator interval τ; nil takes the slowest relaxation time of the drift.
    public var interval: Double?

    public init(residualTolerance: Double = 1e-11, maxApplications: Int = 400, krylovDimension: Int = 16, interval: Double? = nil) {
        self.residualTolerance = residualTolerance
        self.maxApplications = maxApplications
        self.krylovDimension = krylovDimension
        self.interval = interval
    }
}

/// Progress of a stationary solve, for terminal display.
public struct StationaryProgress: Sendable {
    public var applications: Int
    public var residual: Double
    public var initialResidual: Double
    public var tolerance: Double
    public var elapsed: Double
    /// Seconds left, extrapolated from the rate at which log(residual) has fallen so far.
    public var remaining: Double? {
        let done = log(initialResidual / residual), left = log(residual / tolerance)
        return done > 0 && left > 0 ? elapsed * left / done : nil
    }
}

/// The outcome of a direct stationary solve.
public struct StationarySolution {
    /// The stationary density on the grid (real layout, mass 1 up to round-off).
    public let density: AlignedBuffer
    /// ‖L p‖₂/‖p‖₂ at the start and at the end.
    public let initialResidual: Double
    public let residual: Double
    public let converged: Bool
    /// Propagator applications, and Krylov cycles (restarts plus one).
    public let applications: Int
    public let cycles: Int
    /// The last interval τ used (it is halved for the splitting scheme when its bias stalls the residual).
    public let interval: Double
    /// The propagator ("exact" or "exact-strang").
    public let propagator: String
    /// (applications so far, residual) after every cycle, the start first.
    public let history: [(applications: Int, residual: Double)]
    public let wallTime: Double
}

/// The stationary density found directly, as the fixed point p = M(τ)p of a propagator map over an
/// interval τ of the order of the slowest relaxation time, by restarted GMRES on (I − M)q = M p₀ − p₀.
///
/// M preserves mass, so every Krylov vector has zero mass and the mass constraint ∫p = 1 holds by
/// construction. Eigenvalues of I − M are 1 − e^(−λτ) for the eigenvalues λ of the generator: the fast
/// modes cluster at 1 and only the few slow ones need the Krylov space, so a handful of applications
/// replace a long time march. Progress is measured by the residual of the pseudo-spectral operator.
///
/// For constant noise M is the exact propagator, whose fixed point is the grid's stationary density.
/// For state-dependent noise M is the Richardson-extrapolated Strang step, whose fixed point is off by
/// O(τ⁴); τ is halved whenever a whole Krylov cycle fails to halve the residual, down to 1/512 of the start.
///
/// With a frame the solve runs in its coordinates y = L⁻¹(x − x*) (`LinearDynamics.inFrame`), on a grid of
/// y: the density is q(y) = |det L| p(x* + L y), and the operator's relative residual is the same number in
/// either coordinates.
public final class StationarySolver {
    public let sde: LangevinSDE
    /// The grid the density lives on: of the frame coordinates when `frame` is set.
    public let grid: PhaseSpaceGrid
    /// The frame (centred on x*) the solve runs in, or nil for the axis-aligned grid.
    public let frame: Frame?
    private let stepper: any TimeStepper
    private let generator: FokkerPlanckOperator

    public init(sde: LangevinSDE, grid: PhaseSpaceGrid, frame: Frame? = nil, effort: PlanningEffort = .measure,
                substepNorm: Double = LinearTransport.defaultSubstepNorm) throws {
        if let free = sde.modes.first(where: { $0.regime == .free }) {
            throw ModelError.noStationaryDistribution(direction: free.direction)
        }
        self.sde = sde
        self.grid = grid
        self.frame = frame
        let dynamics = frame.map { LinearDynamics(sde).inFrame($0) } ?? LinearDynamics(sde)
        stepper = try TimeSteppers.make(dynamics.hasConstantDiffusion ? "exact" : "exact-strang", dynamics: dynamics, grid: grid,
                                        effort: effort, substepNorm: substepNorm)
        generator = FokkerPlanckOperator(grid: grid, dynamics: dynamics, effort: effort)
    }

    /// Bytes the solve holds on `grid` beyond the propagator: the Krylov basis, the solution and the operator with its work fields.
    public static func memoryEstimate(grid: PhaseSpaceGrid, krylovDimension: Int) -> Double {
        Double(krylovDimension + 4) * Double(grid.pointCount) * 8 + 4 * grid.bytesPerFieldPair
    }

    /// The slowest relaxation time 1/min_i Re(λ_i) of the drift (physics.md §3.1).
    public var slowestRelaxationTime: Double {
        1 / (sde.modes.map(\.relaxationRates.slow).min() ?? 1)
    }

    /// ‖L p‖₂/‖p‖₂ on this grid.
    public func residual(of density: AlignedBuffer) -> Double { generator.relativeResidual(ofDensity: density) }

    /// A start away from the answer, so that a solve or a march has work to do: the Gaussian with the
    /// exact stationary covariance widened by 1.5² and its mean moved by half a standard deviation along θ₁.
    public func offsetStart() throws -> AlignedBuffer {
        let law = try Self.stationaryMoments(sde)
        var mean = law.mean
        mean[0] += 0.5 * law.covariance[0, 0].squareRoot()
        return try sample(GaussianMixture(mean: mean, covariance: (2.25 * law.covariance).elements))
    }

    /// The Gaussian with the exact stationary moments (Lyapunov for constant noise, the exact moment
    /// closure otherwise), sampled on the grid: the default starting guess.
    public func momentGuess() throws -> AlignedBuffer {
        let law = try Self.stationaryMoments(sde)
        return try sample(GaussianMixture(mean: law.mean, covariance: law.covariance.elements))
    }

    /// The exact stationary mean and covariance: Lyapunov for constant noise, the exact moment closure otherwise.
    public static func stationaryMoments(_ sde: LangevinSDE) throws -> Gaussian {
        sde.noise.isStateDependent ? try MomentClosure.stationary(sde) : try GaussianTheory.stationary(sde)
    }

    /// A law in uncentred coordinates, sampled on the grid (in the frame's coordinates when there is one).
    private func sample(_ law: GaussianMixture) throws -> AlignedBuffer {
        let field = grid.makeField()
        if let frame {
            try law.sample(inFrame: frame, origin: sde.stationaryPoint, on: grid, into: field.buffer)
        } else {
            try law.sample(on: grid, origin: sde.stationaryPoint, into: field.buffer)
        }
        return field
    }

    /// Solves from `start` (a density on the grid; it is not modified).
    public func solve(from start: AlignedBuffer, settings: StationarySolverSettings = StationarySolverSettings(),
                      progress: ((StationaryProgress) -> Void)? = nil) -> StationarySolution {
        let clock = ContinuousClock(), began = clock.now
        func report(_ applications: Int, _ residual: Double, _ initial: Double) {
            guard let progress else { return }
            let e = clock.now - began
            progress(StationaryProgress(applications: applications, residual: residual, initialResidual: initial,
                                        tolerance: settings.residualTolerance,
                                        elapsed: Double(e.components.seconds) + Double(e.components.attoseconds) * 1e-18))
        }
        let count = grid.pointCount
        var tau = settings.interval ?? slowestRelaxationTime
        let p = AlignedBuffer(count: count)
        p.copy(from: start)
        RealDensityMath.scale(p, by: 1 / (RealDensityMath.sum(p) * grid.cellVolume))
        let r0 = residual(of: p)
        var history = [(0, r0)]
        var current = r0, applications = 0, cycles = 0
        let m = max(2, settings.krylovDimension)
        let workspace = Workspace(count: count, dimension: m)

        let biased = sde.noise.isStateDependent
        while current > settings.residualTolerance && applications < settings.maxApplications {
            let budget = min(m, settings.maxApplications - applications)
            let done = applications
            let cycle = gmresCycle(p, residual: current, tau: tau, dimension: budget, tolerance: settings.residualTolerance,
                                   patience: biased ? budget : 3, workspace: workspace) { used, value in report(done + used, value, r0) }
            applications += cycle.applications
            cycles += 1
            let previous = current
            current = cycle.residual
            history.append((applications, current))
            if !biased {
                // The exact map's fixed point is the grid's stationary density: a stall is the grid's floor.
                if cycle.stalled { break }
                continue
            }
            // The splitting's fixed point is off by O(τ⁴): a whole cycle that cannot halve the residual
            // has reached it, and a shorter τ moves it closer.
            guard current > 0.5 * previous else { continue }
            if tau < slowestRelaxationTime / 512 { break }
            tau /= 2
        }
        let elapsed = clock.now - began
        return StationarySolution(
            density: p, initialResidual: r0, residual: current, converged: current <= settings.residualTolerance,
            applications: applications, cycles: cycles, interval: tau, propagator: stepper.name, history: history,
            wallTime: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// The Krylov basis and the candidate iterates of a cycle.
    private final class Workspace {
        let basis: [AlignedBuffer]
        let candidate: AlignedBuffer
        let best: AlignedBuffer
        init(count: Int, dimension: Int) {
            basis = (0...dimension).map { _ in AlignedBuffer(count: count) }
            candidate = AlignedBuffer(count: count)
            best = AlignedBuffer(count: count)
        }
    }

    /// x ← M(τ)x.
    private func propagate(_ x: AlignedBuffer, tau: Double) {
        // The fixed-grid propagators built in `init` have no failure mode of their own (they always accept).
        _ = try! stepper.attempt(x, step: tau, tolerance: .infinity)
    }

    /// One GMRES(k) cycle on (I − M)q = M p − p. After every Krylov step the iterate p + q is formed and
    /// its operator residual measured; the cycle ends when that meets the tolerance, when it has not
    /// halved over `patience` steps (stalled: the fixed point of M is reached), or after k steps. p becomes the
    /// best iterate seen.
    private func gmresCycle(_ p: AlignedBuffer, residual start: Double, tau: Double, dimension k: Int, tolerance: Double,
                            patience: Int, workspace: Workspace,
                            onStep: (Int, Double) -> Void) -> (applications: Int, residual: Double, stalled: Bool) {
        let count = grid.pointCount
        let basis = workspace.basis
        let r = basis[0]
        r.copy(from: p)
        propagate(r, tau: tau)
        var used = 1
        RealDensityMath.axpy(-1, p, r)
        RealDensityMath.removeMean(r)
        let beta = RealDensityMath.norm(r)
        guard beta > 0 else { return (used, start, true) }
        RealDensityMath.scale(r, by: 1 / beta)

        var h = [[Double]](repeating: [Double](repeating: 0, count: k), count: k + 1)
        var cs = [Double](repeating: 0, count: k), sn = [Double](repeating: 0, count: k)
        var g = [Double](repeating: 0, count: k + 1)
        g[0] = beta
        var best = (residual: start, step: -1)
        var stalled = false
        for j in 0..<k {
            // w = (I − M) v_j, orthogonalised against the basis (modified Gram-Schmidt).
            let w = basis[j + 1]
            w.copy(from: basis[j])
            propagate(w, tau: tau)
            used += 1
            for i in 0..<count { w.pointer[i] = basis[j].pointer[i] - w.pointer[i] }
            // (I − M) maps into the zero-mass space; removing the round-off keeps it there even when a
            // nearly dependent vector is scaled up below.
            RealDensityMath.removeMean(w)
            for i in 0...j {
                h[i][j] = RealDensityMath.dot(w, basis[i])
                RealDensityMath.axpy(-h[i][j], basis[i], w)
            }
            h[j + 1][j] = RealDensityMath.norm(w)
            // Apply the earlier rotations to the new column, then rotate away h[j+1][j].
            for i in 0..<j {
                let t = cs[i] * h[i][j] + sn[i] * h[i + 1][j]
                h[i + 1][j] = -sn[i] * h[i][j] + cs[i] * h[i + 1][j]
                h[i][j] = t
            }
            let rho = (h[j][j] * h[j][j] + h[j + 1][j] * h[j + 1][j]).squareRoot()
            guard rho > 0 else { break }
            cs[j] = h[j][j] / rho
            sn[j] = h[j + 1][j] / rho
            h[j][j] = rho
            g[j + 1] = -sn[j] * g[j]
            g[j] = cs[j] * g[j]

            // The iterate p + V y with y = R⁻¹g, and its residual.
            var y = [Double](repeating: 0, count: j + 1)
            for i in stride(from: j, through: 0, by: -1) {
                var s = g[i]
                for l in (i + 1)..<(j + 1) { s -= h[i][l] * y[l] }
                y[i] = s / h[i][i]
            }
            let candidate = workspace.candidate
            candidate.copy(from: p)
            for i in 0...j where y[i].isFinite { RealDensityMath.axpy(y[i], basis[i], candidate) }
            let value = residual(of: candidate)
            onStep(used, min(value, best.residual))
            if value < best.residual {
                if value < 0.5 * best.residual { best.step = j }
                best.residual = min(value, best.residual)
                workspace.best.copy(from: candidate)
            }
            if value <= tolerance { break }
            if j - best.step >= patience { stalled = true; break }
            guard h[j + 1][j] > 0 else { break }
            RealDensityMath.scale(w, by: 1 / h[j + 1][j])
        }
        if best.residual < start { p.copy(from: workspace.best) } else { stalled = true }
        return (used, best.residual, stalled)
    }
}

/// Vector arithmetic on real fields of the grid.
enum RealDensityMath {
    static func dot(_ a: AlignedBuffer, _ b: AlignedBuffer) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a.pointer[i] * b.pointer[i] }
        return s
    }

    static func norm(_ a: AlignedBuffer) -> Double { dot(a, a).squareRoot() }

    static func sum(_ a: AlignedBuffer) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a.pointer[i] }
        return s
    }

    /// y ← y + αx.
    static func axpy(_ alpha: Double, _ x: AlignedBuffer, _ y: AlignedBuffer) {
        let xp = x.pointer, yp = y.pointer
        for i in 0..<x.count { yp[i] += alpha * xp[i] }
    }

    static func removeMean(_ x: AlignedBuffer) {
        let mean = sum(x) / Double(x.count)
        for i in 0..<x.count { x.pointer[i] -= mean }
    }

    static func scale(_ x: AlignedBuffer, by alpha: Double) {
        for i in 0..<x.count { x.pointer[i] *= alpha }
    }
}

extension StationarySolver {
    /// A grid for the stationary law alone: the box spans `sigmas` standard deviations of the exact
    /// stationary covariance (Lyapunov, or the moment closure for state-dependent noise, whose heavier
    /// tails need about twice the width) along every axis. 7.5 balances the two floors of the residual
    /// on P3 at 48⁴: 7σ leaves the Gaussian at 2e-11 of its peak on the box edge (residual 2e-10), 8σ
    /// coarsens the spacing (1e-10); 7.5σ reaches 1e-11.
    public static func grid(for sde: LangevinSDE, points: [Int], sigmas: Double? = nil) throws -> PhaseSpaceGrid {
        let law = try stationaryMoments(sde)
        var planner = GridPlanner()
        planner.sigmas = sigmas ?? (sde.noise.isStateDependent ? 14 : 7.5)
        let envelope = GridPlanner.Envelope(time: .infinity, mean: law.mean, covariance: law.covariance.elements)
        return try PhaseSpaceGrid(points: points, halfWidths: planner.automaticHalfWidths([envelope], stationaryPoint: sde.stationaryPoint))
    }

    /// The frame of the exact stationary law (centred on x*, L the Cholesky factor of its covariance) and a
    /// grid of `points` per frame axis on ±`halfWidth` frame units, in which that law is N(0, I).
    public static func frameGrid(for sde: LangevinSDE, points: Int, halfWidth: Double) throws -> (frame: Frame, grid: PhaseSpaceGrid) {
        let law = try stationaryMoments(sde)
        let n = sde.phaseDimension
        let frame = try Frame(mean: [Double](repeating: 0, count: n), covariance: law.covariance.elements)
        return (frame, try PhaseSpaceGrid(points: Array(repeating: points, count: n), halfWidths: Array(repeating: halfWidth, count: n)))
    }
}
