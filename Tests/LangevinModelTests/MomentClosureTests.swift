import Foundation
import Testing
@testable import LangevinModel

/// M1 of physics.md §9.10: d = 1, h = 1, η = 0.1, β = 0.9, S = 4, λ = 0, σ_ε² = 1.
func m1() throws -> LangevinSDE {
    try LangevinSDE(hyperparameters: .init(learningRate: 0.1, momentum: 0.9, batchSize: 4),
                    loss: .init(hessian: Matrix([[1]]), minimum: [0]), noise: .lossHessian(labelNoise: 1))
}

func p3LossHessian() throws -> LangevinSDE {
    try LangevinSDE(hyperparameters: ReferenceSets.p3.hyperparameters, loss: ReferenceSets.p3.loss,
                    noise: .lossHessian(labelNoise: 1))
}

@Suite("Moment closure (physics.md §9.10)")
struct MomentClosureTests {
    @Test func m1ClosedForm() throws {
        let stationary = try MomentClosure.stationary(try m1())
        let p = stationary.covariance
        // Var θ = κ_ε/(1 − ηh/(S(1−β))) with κ_ε = ησ_ε²/(2S(1−β)) = 0.125: 1/6. Var v = E[Σ]/(S(1−β²))
        // with E[Σ] = σ_ε²h + 2h²Var θ = 4/3. Closed forms against a 4×4 solve: round-off only.
        #expect(isClose(p[0, 0], 0.125 / (1 - 0.1 / 0.4), rel: 1e-13))
        #expect(isClose(p[1, 1], (4.0 / 3) / (4 * 0.19), rel: 1e-13))
        #expect(abs(p[0, 1]) <= 1e-14)
        // Printed: 0.166667 and 1.754386 (6-7 digits).
        #expect(isClose(p[0, 0], 0.166667, rel: 5e-6) && isClose(p[1, 1], 1.754386, rel: 5e-7))
        #expect(isClose(p, ScipyReference.m1LossHessianP, rel: 1e-12))
        #expect(stationary.mean == [0, 0])
        // Freezing the noise at the minimum (Σ = σ_ε²H) gives the smaller 0.125 and 1.315789.
        let frozen = try LangevinSDE(hyperparameters: .init(learningRate: 0.1, momentum: 0.9, batchSize: 4),
                                     loss: .init(hessian: Matrix([[1]]), minimum: [0]), noise: .hessian(scale: 1))
        let pf = try GaussianTheory.stationaryCovariance(frozen)
        #expect(isClose(pf[0, 0], 0.125, rel: 1e-13) && isClose(pf[1, 1], 1.315789, rel: 5e-7))
    }

    @Test func p3LossHessianStationary() throws {
        let sde = try p3LossHessian()
        let p = try MomentClosure.stationary(sde).covariance
        // Linear solves of the same system (scipy and ours): 1e-12 of the largest entry.
        #expect(isClose(p, ScipyReference.p3LossHessianP, rel: 1e-12))
        // Printed in §9.10 with 6-7 digits.
        #expect(matchesPrinted(p.block(rows: 0..<2, cols: 0..<2), [[0.0334564, 0.00236875], [0.00236875, 0.0306387]], rel: 5e-6))
        #expect(matchesPrinted(p.block(rows: 2..<4, cols: 2..<4), [[1.247384, 0.505543], [0.505543, 0.661289]], rel: 5e-6))
        // P_θv is antisymmetric with off-diagonal ±2.68e-4 (printed with 3 digits).
        let pThV = p.block(rows: 0..<2, cols: 2..<4)
        #expect(isClose(pThV[1, 0], 2.68e-4, rel: 2e-3) && isClose(pThV[0, 1], -2.68e-4, rel: 2e-3))
        #expect(abs(pThV[0, 0]) <= 1e-15 && abs(pThV[1, 1]) <= 1e-15)
        // Moment equation residual AP + PAᵀ − 2E[D] at the stationary mean.
        let eD = sde.expectedDiffusion(mean: sde.stationaryPoint, covariance: p)
        let residual = sde.driftMatrix * p + p * sde.driftMatrix.transposed - 2 * eD
        #expect(residual.maxAbs <= 1e-13 * sde.driftMatrix.maxAbs * p.maxAbs)
        // With E[D] in place of D, Q = AP − E[D] stays antisymmetric.
        let q = GaussianTheory.circulation(sde, covariance: p)
        #expect((q + q.transposed).maxAbs <= 1e-13 * q.maxAbs)
    }

    /// Constant noise: the closure is the Gaussian theory (same equations, independent code path).
    @Test(arguments: ReferenceSets.regular)
    func reducesToGaussianTheory(set: ReferenceSet) throws {
        let sde = try set.sde()
        let closure = try MomentClosure.stationary(sde)
        // Two different linear systems for the same P: round-off only.
        #expect(isClose(closure.covariance, try GaussianTheory.stationaryCovariance(sde), rel: 1e-12))
        let start = narrowStart(sde.stationaryPoint.enumerated().map { $0.element + 0.5 * Double($0.offset + 1) })
        for t in [0.3, 1, 4] {
            let a = MomentClosure.propagate(start, sde, time: t)
            let b = GaussianTheory.propagate(start, sde, time: t)
            // Augmented exponential versus Van Loan doubling: 1e-12 of the largest entry.
            #expect(isClose(a.covariance, b.covariance, rel: 1e-12))
            #expect(a.mean == b.mean)
        }
    }

    /// Transients against a DOP853 integration of the moment ODE (rtol 1e-13).
    @Test(arguments: ScipyReference.lossHessianTransient.indices)
    func transientAgainstScipy(index: Int) throws {
        let ref = ScipyReference.lossHessianTransient[index]
        let sde = ref.set == "M1" ? try m1() : try p3LossHessian()
        let g = MomentClosure.propagate(narrowStart(ref.x0), sde, time: ref.t)
        // The reference ODE integration is accurate to ~1e-11; 1e-9 of the largest entry leaves margin.
        #expect(isClose(g.mean, ref.mean, rel: 1e-9))
        #expect(isClose(g.covariance, ref.cov, rel: 1e-9))
        // GaussianTheory.propagate forwards state-dependent noise to the closure.
        #expect(GaussianTheory.propagate(narrowStart(ref.x0), sde, time: ref.t) == g)
    }

    @Test func longTimesConvergeToStationary() throws {
        // Slowest second-moment rates: 0.78 (M1) and 1.83 (P3) per unit t (physics_oracles.py), so
        // t = 60 and 30 leave e^{−45} or less of the initial offset.
        for (sde, t) in [(try m1(), 60.0), (try p3LossHessian(), 30.0)] {
            let stationary = try MomentClosure.stationary(sde)
            let far = MomentClosure.propagate(narrowStart(sde.stationaryPoint.map { $0 + 1 }), sde, time: t)
            // Exponential over a long interval (many squarings) against a linear solve: 1e-10.
            #expect(isClose(far.covariance, stationary.covariance, rel: 1e-10))
            #expect(zip(far.mean, stationary.mean).allSatisfy { abs($0 - $1) <= 1e-12 })
        }
    }

    @Test func noiseIntegralForStateDependentNoise() throws {
        let sde = try p3LossHessian()
        let w = GaussianTheory.noiseIntegral(sde, time: 2)
        #expect(w == MomentClosure.propagate(.pointMass(at: sde.stationaryPoint), sde, time: 2).covariance)
        #expect(GaussianTheory.noiseIntegral(sde, time: 0).maxAbs == 0)
    }

    @Test func flatDirectionWithLossHessianNoise() throws {
        // λ = 0 and singular H: moments are finite on the range of H, the flat pair is deterministic,
        // and there is no stationary law.
        let sde = try LangevinSDE(hyperparameters: .init(learningRate: 0.05, momentum: 0.9, batchSize: 8),
                                  loss: .init(hessian: hessianP6, minimum: [0.1, 0.2]), noise: .lossHessian(labelNoise: 1))
        #expect(throws: ModelError.self) { try MomentClosure.stationary(sde) }
        let u = sde.modes[0].direction
        let g = MomentClosure.propagate(.pointMass(at: [1, 1, 0, 0]), sde, time: 3)
        // Noise along u is exactly zero: Var(u·θ) stays zero up to round-off.
        #expect(abs(dot(u, g.covariance.block(rows: 0..<2, cols: 0..<2) * u)) <= 1e-14)
        #expect(abs(dot(u, Array(g.mean[0..<2])) - dot(u, [1, 1])) <= 1e-14)
    }
}
