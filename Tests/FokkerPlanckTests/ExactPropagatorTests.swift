import Foundation
import SGDFPTestSupport
import Testing
import LangevinModel
import Spectral
@testable import FokkerPlanck

/// The exact propagator against the exact Gaussian laws (physics.md §5.2, §7). Its only error is spatial,
/// so each test states the grid and the resolution-limited tolerance it expects; long single steps must
/// be as accurate as many short ones, and mass is kept to round-off however the interval is cut.
@Suite struct ExactPropagatorTests {
    /// kramers-2d written as SGD: η = 1, β = 0.6, H = 0.8, isotropic noise 0.064 (notebooks-data/kramers-2d.toml).
    static let kramers = try! LangevinSDE(
        hyperparameters: Hyperparameters(learningRate: 1, momentum: 0.6, batchSize: 1),
        loss: QuadraticLoss(hessian: Matrix([[0.8]]), minimum: [0]), noise: .isotropic(scale: 0.064))

    @Test func kramersRunFileIsTheKramersOscillator() {
        let a = Self.kramers.driftMatrix.elements
        #expect(zip(a, [0, -1, 1, 0.5]).allSatisfy { abs($0 - $1) < 1e-15 }, "A = \(a)")
        #expect(abs(Self.kramers.constantVelocityDiffusion![0, 0] - 0.05) < 1e-15)
    }

    /// Gaussian elimination by rows reproduces the map, for 2×2 and 4×4 maps near the identity.
    @Test func rowFactorizationReproducesTheMap() throws {
        for set in [ReferenceModel.p1, .p2, .p4, .p6] {
            let b = (0.05 * set.sde.driftMatrix).exponential()
            let rows = try #require(RowFactorization.rows(of: b.elements, dimension: b.rows))
            let err = (Matrix(rows: b.rows, cols: b.cols, elements: RowFactorization.product(rows)) - b).maxAbs
            #expect(err < 1e-13 * max(1, b.maxAbs), "\(set): \(err)")
        }
        #expect(RowFactorization.rows(of: [0, 1, 1, 0], dimension: 2) == nil)
    }

    /// kramers-2d at 128² and 256², t ≤ 40, one step per output interval of 1: the grids resolve the law
    /// with ≥ 5 spacings per standard deviation, so spectral error is at round-off level; 1e-12 leaves room.
    @Test(arguments: [128, 256])
    func kramersToFortyInUnitSteps(_ points: Int) throws {
        let start = GaussianMixture(mean: [1, 0], covariance: [0.05, 0, 0, 0.05])
        let r = try compareWithExact(Self.kramers, initial: start, points: points, stop: 40, every: 1, scheme: "exact")
        #expect(r.summary!.steps == 40)
        #expect(r.worstL1 <= 1e-12, "L1 \(r.l1Errors)")
        #expect(r.summary!.finalMassError <= 1e-12)
    }

    /// 2-D sets: single steps of τ = 5 and 20 and steps of 0.1 agree with the law to ≤ 1e-10 in L¹ at
    /// 128² (≥ 3 spacings per conditional deviation at all times); the stiff overdamped P2 included.
    @Test(arguments: [ReferenceModel.p1, .p2])
    func twoDimensionalSetsInLongAndShortSteps(_ set: ReferenceModel) throws {
        let sde = set.sde
        let start = gaussianStart(sde, offset: [0.5, 0], variances: [0.05, 1])
        for every in [0.1, 5, 20] {
            let r = try compareWithExact(sde, initial: start, points: 128, stop: 40, every: every, scheme: "exact")
            #expect(r.worstL1 <= 1e-10, "\(set), τ = \(every): L1 \(r.l1Errors)")
            #expect(r.worstMean <= 1e-10 && r.worstCovariance <= 1e-10, "\(set), τ = \(every): \(r.meanErrors) \(r.covarianceErrors)")
            #expect(r.summary!.finalMassError <= 1e-12, "\(set), τ = \(every): mass \(r.summary!.finalMassError)")
        }
    }

    /// A two-Gaussian mixture (transport of a non-Gaussian shape) in single steps of 5 and 20.
    @Test func mixtureInLongSteps() throws {
        let sde = ReferenceModel.p1.sde
        let start = GaussianMixture(components: [
            .init(weight: 0.6, mean: [1.2, 0], covariance: [0.08, 0.05, 0.05, 0.9]),
            .init(weight: 0.4, mean: [-0.8, 1.5], covariance: [0.12, -0.04, -0.04, 1.2]),
        ])
        for every in [0.25, 5, 20] {
            let r = try compareWithExact(sde, initial: start, points: 128, stop: 20, every: every, scheme: "exact")
            #expect(r.worstL1 <= 1e-10, "τ = \(every): L1 \(r.l1Errors)")
            #expect(r.summary!.finalMassError <= 1e-12)
        }
    }

    /// 4-D sets at 32⁴, which resolves these laws with only about two spacings per conditional deviation:
    /// the error is spatial (≈ 1e-6 in L¹, the level of the adaptive scheme on the same grid, checked here
    /// side by side), whether the interval of 5 is one step or ten (20: `make test-long`). P6's flat direction has no noise and its
    /// variance contracts at rate ≈ 1.8, so on this grid both schemes lose the law after t ≈ 0.2 (L¹ 0.03
    /// at t = 0.3 for either); it is checked over t ≤ 0.2.
    @Test(arguments: [ReferenceModel.p3, .p4, .p5, .p6])
    func fourDimensionalSetsMatchTheAdaptiveScheme(_ set: ReferenceModel) throws {
        let sde = set.sde
        let start = gaussianStart(sde, offset: [0.15, -0.1, 0.3, 0], variances: [0.05, 0.05, 1.2, 0.8])
        let reference = try SharedRuns.run("\(set) lawson-dp54 32⁴ t ≤ 0.1") {
            try compareWithExact(sde, initial: start, points: 32, stop: 0.1, every: 0.1, tolerance: 1e-9, boundaryTolerance: 1)
        }
        let single = try compareWithExact(sde, initial: start, points: 32, stop: 0.1, every: 0.1, scheme: "exact", boundaryTolerance: 1)
        #expect(single.worstL1 <= max(4 * reference.worstL1, 1e-6), "\(set): exact \(single.worstL1), adaptive \(reference.worstL1)")
        #expect(single.summary!.finalMassError <= 1e-12)
        try Self.longAndShortSteps(set, start: start, stop: set == .p6 ? 0.2 : 5)
    }

    /// One exact step over the interval against ten: the same error, and mass to round-off. The interval of
    /// 20 is checked by the long tests (`make test-long`).
    static func longAndShortSteps(_ set: ReferenceModel, start: GaussianMixture, stop: Double) throws {
        let sde = set.sde
        let long = try compareWithExact(sde, initial: start, points: 32, stop: stop, every: stop, scheme: "exact", boundaryTolerance: 1)
        let short = try compareWithExact(sde, initial: start, points: 32, stop: stop, every: stop / 10, scheme: "exact", boundaryTolerance: 1)
        #expect(long.l1Errors.last! <= 2 * short.l1Errors.last!, "\(set), τ = \(stop): one step \(long.l1Errors.last!), ten steps \(short.l1Errors.last!)")
        #expect(long.summary!.finalMassError <= 1e-12 && short.summary!.finalMassError <= 1e-12)
    }

    @Test func stateDependentNoiseIsRefused() throws {
        let grid = try PhaseSpaceGrid(points: [8, 8], halfWidths: [1, 1])
        #expect(throws: SimulationError.schemeNotApplicable(scheme: "exact", reason: "it needs noise that does not depend on θ (use \"exact-strang\" for noise model \"loss-hessian\")")) {
            _ = try TimeSteppers.make("exact", dynamics: LinearDynamics(ReferenceModel.m1.sde), grid: grid, effort: .estimate)
        }
    }
}
