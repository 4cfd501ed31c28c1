import Foundation
import SGDFPTestSupport
import Testing
import LangevinModel
@testable import FokkerPlanck

/// Time-discretisation error against the exact moments, on a grid fine enough that space does not limit it.
@Suite struct ConvergenceTests {
    static func meanError(scheme: String, tolerance: Double = 1e-6, step: Double? = nil) throws -> Double {
        let sde = ReferenceModel.p1.sde
        let r = try compareWithExact(sde, initial: gaussianStart(sde, offset: [1, 0], variances: [0.1, 1]),
                                     points: 128, stop: 1, every: 1, scheme: scheme, tolerance: tolerance, step: step,
                                     boundaryTolerance: 1)   // loose tolerances leave O(tolerance) noise everywhere
        return max(r.worstMean, r.worstCovariance)
    }

    /// Halving the step of fixed-step RK4 (below its transport stability limit ≈ 2.8/(|v|ₘₐₓk_θ + |Ax|ₘₐₓkᵥ) ≈ 2e-3 here) divides the error by 2⁴ = 16 (accepted: 12 to 20).
    @Test func fixedStepRK4IsFourthOrder() throws {
        let e1 = try Self.meanError(scheme: "lawson-rk4", step: 0.0016)
        let e2 = try Self.meanError(scheme: "lawson-rk4", step: 0.0008)
        #expect(e2 < e1)
        let ratio = e1 / e2
        #expect(ratio > 12 && ratio < 20, "error \(e1) → \(e2), ratio \(ratio)")
    }

    /// With local extrapolation (the step is chosen from the embedded lower-order estimate, the higher-order
    /// solution is kept) the global error is proportional to the tolerance: slope 1 on a log-log plot.
    /// Single points scatter (steps are cut to land on output times) and at loose tolerances the step is
    /// held by stability rather than accuracy, so the slope is fitted over four decades in the
    /// accuracy-limited range and must exceed 0.7.
    @Test(arguments: ["lawson-dp54", "lawson-bs32"])
    func adaptiveErrorFallsWithTolerance(_ scheme: String) throws {
        let tolerances = [1e-6, 1e-7, 1e-8, 1e-9, 1e-10]
        let errors = try tolerances.map { try Self.meanError(scheme: scheme, tolerance: $0) }
        let x = tolerances.map { log10($0) }, y = errors.map { log10($0) }
        let mx = x.reduce(0, +) / 5, my = y.reduce(0, +) / 5
        let slope = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        #expect(slope > 0.7, "\(scheme): errors \(errors), fitted slope \(slope)")
    }

    /// Every registered scheme reproduces a short P1 transient.
    @Test(arguments: TimeSteppers.names)
    func everySchemeMatchesTheExactTransient(_ scheme: String) throws {
        let e = try Self.meanError(scheme: scheme, tolerance: 1e-8, step: 0.002)
        #expect(e < 1e-6, "\(scheme): \(e)")
    }

    @Test func unknownSchemeIsRefused() throws {
        let sde = ReferenceModel.p1.sde
        let grid = try Spectral.PhaseSpaceGrid(points: [8, 8], halfWidths: [1, 1])
        #expect(throws: SimulationError.unknownScheme("euler", known: TimeSteppers.names)) {
            _ = try TimeSteppers.make("euler", dynamics: LinearDynamics(sde), grid: grid, effort: .estimate)
        }
    }
}

import Spectral
