import Foundation
import SGDFPTestSupport
import Testing
import LangevinModel
import Spectral
@testable import FokkerPlanck

/// Acceptance-size runs in the adapted frame (a minute or more each). Run with `make test-long`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SGDFP_LONG_TESTS"] == "1", "set SGDFP_LONG_TESTS=1"))
struct LongAdaptedFrameTests {
    /// P3 and P4 from x₀ = (2, 1, 0, 0) with covariance 0.05²I (physics.md §9.6), 32⁴, frames every 0.5 to
    /// t = 40: full L¹ (an upper bound on every 2-D marginal's) ≤ 1e-8, mean and covariance ≤ 1e-9.
    @Test(arguments: [ReferenceModel.p3, .p4])
    func farStartsToForty(_ set: ReferenceModel) throws {
        let start = GaussianMixture(mean: [2, 1, 0, 0], covariance: Frame.identity(4).covariance.map { 0.0025 * $0 })
        let r = try compareInAdaptedFrame(set.sde, initial: start, framePoints: 32, stop: 40, every: 0.5)
        print("\(set) adapted 32^4 to 40: L1 \(r.worstL1) mean \(r.worstMean) cov \(r.worstCovariance) mass \(r.summary!.finalMassError) wall \(r.summary!.wallTime)")
        #expect(r.worstL1 <= 1e-8 && r.worstMean <= 1e-9 && r.worstCovariance <= 1e-9)
        #expect(r.summary!.finalMassError <= 1e-11)
    }

    /// The non-commuting case of the frame issue: H = [[1, 0.3], [0.3, 0.2]], Σ = [[0.5, −0.2], [−0.2, 1]],
    /// η = 0.05, β = 0.9, S = 8, from (0.6, −0.8, 0, 0) with covariance diag(0.003, 0.003, 0.1, 0.1), to t = 20.
    @Test func nonCommutingNarrowStartToTwenty() throws {
        let sde = try LangevinSDE(hyperparameters: Hyperparameters(learningRate: 0.05, momentum: 0.9, batchSize: 8),
                                  loss: QuadraticLoss(hessian: Matrix([[1, 0.3], [0.3, 0.2]]), minimum: [0, 0]),
                                  noise: .matrix(Matrix([[0.5, -0.2], [-0.2, 1.0]])))
        var c = [Double](repeating: 0, count: 16)
        for (i, v) in [0.003, 0.003, 0.1, 0.1].enumerated() { c[i * 4 + i] = v }
        let r = try compareInAdaptedFrame(sde, initial: GaussianMixture(mean: [0.6, -0.8, 0, 0], covariance: c), framePoints: 32, stop: 20, every: 1)
        print("non-commuting adapted 32^4 to 20: L1 \(r.worstL1) mean \(r.worstMean) cov \(r.worstCovariance) wall \(r.summary!.wallTime)")
        #expect(r.worstL1 <= 1e-8 && r.worstMean <= 1e-9 && r.worstCovariance <= 1e-9)
    }
}
