import Foundation
import SGDFPTestSupport
import Testing
import LangevinModel
@testable import FokkerPlanck

/// Acceptance-size runs (minutes each): 4-D transients at 48⁴ against the exact Gaussian.
/// Run with `make test-long`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SGDFP_LONG_TESTS"] == "1", "set SGDFP_LONG_TESTS=1"))
struct LongOracleTests {
    @Test(arguments: [ReferenceModel.p3, .p4])
    func fourDimensionalTransientAt48(_ set: ReferenceModel) throws {
        let sde = set.sde
        let start = gaussianStart(sde, offset: [0.15, -0.1, 0.3, 0], variances: [0.05, 0.05, 1.2, 0.8])
        let r = try compareWithExact(sde, initial: start, points: 48, stop: 0.5, every: 0.25, tolerance: 1e-10)
        print("\(set) 48^4: L1 \(r.l1Errors) mean \(r.meanErrors) cov \(r.covarianceErrors) \(r.summary!)")
        #expect(r.worstL1 <= 1e-7 && r.worstMean <= 1e-8 && r.worstCovariance <= 1e-8)
        #expect(r.summary!.finalMassError <= 1e-12)
    }

    @Test func fourDimensionalMixtureAt48() throws {
        let sde = ReferenceModel.p3.sde
        let x = sde.stationaryPoint
        let start = GaussianMixture(components: [
            .init(weight: 0.5, mean: [x[0] + 0.15, x[1], 0.3, 0], covariance: [0.05, 0, 0, 0, 0, 0.05, 0, 0, 0, 0, 1.2, 0, 0, 0, 0, 0.8]),
            .init(weight: 0.5, mean: [x[0] - 0.1, x[1] + 0.1, -0.3, 0.2], covariance: [0.05, 0, 0, 0, 0, 0.05, 0, 0, 0, 0, 1.2, 0, 0, 0, 0, 0.8]),
        ])
        let r = try compareWithExact(sde, initial: start, points: 48, stop: 0.5, every: 0.25, tolerance: 1e-10)
        print("mixture 48^4: L1 \(r.l1Errors) mean \(r.meanErrors) cov \(r.covarianceErrors) \(r.summary!)")
        #expect(r.worstL1 <= 1e-7 && r.worstMean <= 1e-8 && r.worstCovariance <= 1e-8)
    }

    /// The exact propagator from the same starts, one step per quarter unit of time. Over t ≤ 0.5 its
    /// spatial error is as small as the adaptive scheme's above (measured: P3 2e-11, P4 1.6e-9); P3 stays
    /// below 1e-9 up to t = 5. P4's error grows after t ≈ 0.5 (5e-5 by t = 5 on this grid), which is
    /// reported, not asserted.
    @Test(arguments: [ReferenceModel.p3, .p4])
    func exactPropagatorAt48ToFive(_ set: ReferenceModel) throws {
        let sde = set.sde
        let start = gaussianStart(sde, offset: [0.15, -0.1, 0.3, 0], variances: [0.05, 0.05, 1.2, 0.8])
        let r = try compareWithExact(sde, initial: start, points: 48, stop: 5, every: 0.25, scheme: "exact")
        print("\(set) 48^4 exact: L1 \(r.l1Errors) \(r.summary!)")
        #expect(r.l1Errors.prefix(3).allSatisfy { $0 <= 1e-8 }, "L1 \(r.l1Errors)")
        if set == .p3 { #expect(r.worstL1 <= 1e-9, "L1 \(r.l1Errors)") }
        #expect(r.summary!.finalMassError <= 1e-11, "mass \(r.summary!.finalMassError)")
    }

    /// The 4-D sets of ExactPropagatorTests in one exact step of 20 against ten steps of 2, at 32⁴.
    @Test(arguments: [ReferenceModel.p3, .p4, .p5])
    func fourDimensionalStepOfTwenty(_ set: ReferenceModel) throws {
        let start = gaussianStart(set.sde, offset: [0.15, -0.1, 0.3, 0], variances: [0.05, 0.05, 1.2, 0.8])
        try ExactPropagatorTests.longAndShortSteps(set, start: start, stop: 20)
    }
}
