import Foundation
import Testing
@testable import LangevinModel

/// The exact stationary objects against physics.md §9.1-§9.5. The printed oracles have six significant
/// digits, so they are matched to a relative 1e-5; exact zeros (entropy production under detailed
/// balance) are matched to round-off.
@Suite("Exact stationary theory (physics.md §6, §9.1-§9.5)")
struct StationaryTheoryTests {
    static let printed = 1e-5

    @Test("P1: U = diag(2, 0.19), ∫|J|²/p = 60.6648, clockwise circulation −10.5263 at ω = √10.5263, e_p = 0")
    func p1() throws {
        let theory = try StationaryTheory(try ReferenceSets.p1.sde())
        #expect(matchesPrinted(theory.precision, [[2, 0], [0, 0.19]], rel: 1e-12, zero: 1e-13))
        #expect(isClose(theory.currentSquaredIntegral, 60.6648, rel: Self.printed))
        #expect(isClose(theory.eigenPlaneCirculations[0], -10.5263, rel: Self.printed))
        #expect(isClose(theory.rotationFrequencies[0], 10.526316.squareRoot(), rel: 1e-6))
        #expect(abs(theory.entropyProduction!) <= 1e-12)
        #expect(theory.thetaPlaneCirculation == nil)
    }

    /// ∫|J| = E‖QUx‖ has no elementary closed form in general; physics.md prints it to six digits, and for P1
    /// as the elliptic integral 6.536610. The quadrature behind it is exact to round-off for N(0, I): E‖z‖ =
    /// √(2/π) in 1-D and √(π/2) in 2-D.
    @Test("∫|J| = E‖QUx‖: 6.536610 (P1), 5.80322 (P2), 6.76174 (P3), 4.57266 (P4)")
    func absoluteCurrentIntegral() throws {
        #expect(abs(StationaryTheory.expectedNorm(covarianceEigenvalues: [1]) - (2 / Double.pi).squareRoot()) <= 1e-14)
        #expect(abs(StationaryTheory.expectedNorm(covarianceEigenvalues: [1, 1]) - (Double.pi / 2).squareRoot()) <= 1e-14)
        #expect(isClose(try StationaryTheory(try ReferenceSets.p1.sde()).currentAbsoluteIntegral!, 6.536610, rel: 1e-6))
        for (set, printed) in [(ReferenceSets.p2, 5.80322), (ReferenceSets.p3, 6.76174), (ReferenceSets.p4, 4.57266)] {
            #expect(isClose(try StationaryTheory(try set.sde()).currentAbsoluteIntegral!, printed, rel: Self.printed), "\(set)")
        }
    }

    @Test("P2: U = diag(50, 1), ∫|J|²/p = 51")
    func p2() throws {
        let theory = try StationaryTheory(try ReferenceSets.p2.sde())
        #expect(matchesPrinted(theory.precision, [[50, 0], [0, 1]], rel: 1e-12, zero: 1e-11))
        #expect(isClose(theory.currentSquaredIntegral, 51, rel: 1e-12))
        #expect(abs(theory.entropyProduction!) <= 1e-10)
    }

    @Test("P3: U blocks, ∫|J|²/p = 63.9716, e_p = 0, no circulation in the θ plane")
    func p3() throws {
        let theory = try StationaryTheory(try ReferenceSets.p3.sde())
        let u = theory.precision
        #expect(matchesPrinted(u.block(rows: 0..<2, cols: 0..<2), [[34.8, -2.078461], [-2.078461, 37.2]], rel: Self.printed))
        #expect(matchesPrinted(u.block(rows: 2..<4, cols: 2..<4), [[1.33, -0.987269], [-0.987269, 2.47]], rel: Self.printed))
        #expect(isClose(theory.currentSquaredIntegral, 63.9716, rel: Self.printed))
        #expect(abs(theory.entropyProduction!) <= 1e-10)
        #expect(abs(theory.thetaPlaneCirculation!) <= 1e-14)
    }

    @Test("P4: e_p = 1.67832, ∫|J|²/p = 28.3251, θ-marginal precision ≠ U_θθ, θ-plane circulation 2(Q_θθ)₁₂ = −0.0404")
    func p4() throws {
        let theory = try StationaryTheory(try ReferenceSets.p4.sde())
        #expect(isClose(theory.entropyProduction!, 1.67832, rel: Self.printed))
        #expect(isClose(theory.currentSquaredIntegral, 28.3251, rel: Self.printed))
        #expect(matchesPrinted(theory.thetaMarginalPrecision, [[67.5753, 21.6471], [21.6471, 68.3965]], rel: Self.printed))
        #expect(matchesPrinted(theory.precision.block(rows: 0..<2, cols: 0..<2), [[77.3240, 27.2256], [27.2256, 74.2559]], rel: Self.printed))
        #expect(isClose(theory.thetaPlaneCirculation!, -2 * 0.02018707, rel: Self.printed))
    }

    @Test("P5: Gibbs for the training loss at T = 0.015625: U = blockdiag(H_λ, m I)/T")
    func p5() throws {
        let sde = try ReferenceSets.p5.sde()
        let theory = try StationaryTheory(sde)
        let t = try #require(sde.gibbsTemperature)
        #expect(isClose(t, 0.015625, rel: 1e-12))
        let gibbs = Matrix.block([[sde.regularizedHessian, .zeros(2, 2)], [.zeros(2, 2), sde.mass * Matrix.identity(2)]]) / t
        #expect(isClose(theory.precision, gibbs, rel: 1e-10))
        #expect(abs(theory.entropyProduction!) <= 1e-10)
    }

    @Test("Gibbs temperature exists iff C_S Σ ∝ I: every d = 1 set and P5, not P3 or P4")
    func gibbsCriterion() throws {
        #expect(try ReferenceSets.p1.sde().gibbsTemperature.map { isClose($0, 0.5, rel: 1e-12) } == true)
        #expect(try ReferenceSets.p2.sde().gibbsTemperature.map { isClose($0, 0.05, rel: 1e-12) } == true)
        #expect(try ReferenceSets.p3.sde().gibbsTemperature == nil)
        #expect(try ReferenceSets.p4.sde().gibbsTemperature == nil)
    }

    @Test("Detailed balance criterion: H_λ commutes with Σ for P1-P3 and P5, not for P4")
    func commutation() throws {
        for set in [ReferenceSets.p1, ReferenceSets.p2, ReferenceSets.p3, ReferenceSets.p5] {
            #expect(try set.sde().noiseCommutesWithHessian == true, "\(set)")
        }
        #expect(try ReferenceSets.p4.sde().noiseCommutesWithHessian == false)
    }

    @Test("Σ = σ²H: U equals the Hessian of Ψ over T_v (physics.md §6.4)", arguments: [ReferenceSets.p1, ReferenceSets.p2, ReferenceSets.p3])
    func modifiedLoss(set: ReferenceSet) throws {
        let sde = try set.sde()
        let theory = try StationaryTheory(sde)
        let tv = try #require(sde.modifiedLossTemperature)
        let psi = try #require(sde.modifiedLossHessian)
        #expect(isClose(psi / tv, theory.precision, rel: 1e-11))
    }

    @Test("P6: weight decay confines the flat direction without noise, so the law is degenerate")
    func degenerate() throws {
        #expect(throws: ModelError.self) { try StationaryTheory(try ReferenceSets.p6.sde()) }
        do {
            _ = try StationaryTheory(try ReferenceSets.p6.sde())
        } catch let error as ModelError {
            guard case .degenerateStationaryLaw = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains("no density on a grid"))
        }
        #expect(try ReferenceSets.p6.sde().modifiedLossTemperature == nil)
    }
}
