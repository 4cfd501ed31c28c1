import Foundation
import LangevinModel
import Testing
@testable import Validation

/// Every stationary claim of the registry on exact evidence (what a perfect solver would measure, from the
/// closed forms of physics.md §6), once where the theory says it holds and once where it must not: either
/// a reference model for which the theory predicts the opposite verdict, or the exact evidence with the one
/// number the claim reads spoiled.
@Suite("Claims on exact evidence")
struct ClaimTests {
    /// P3 without weight decay: Σ ∝ H and λ = 0, the isotropic case of physics.md §6.2.
    static let p3WithoutDecay: LangevinSDE = {
        let p3 = ReferenceModel.p3.sde
        var hp = p3.hyperparameters
        hp.weightDecay = 0
        return try! LangevinSDE(hyperparameters: hp, loss: p3.loss, noise: p3.noise)
    }()

    static func verdict(_ id: String, _ sde: LangevinSDE, _ change: (inout StationaryEvidence) -> Void = { _ in }) throws -> ClaimResult {
        var evidence = try StationaryEvidence.exact(sde)
        change(&evidence)
        return try #require(Validator.claim(id)).evaluate(Evidence(sde: sde, stationary: evidence))
    }

    /// (claim, model where it holds, how to break it: a model where it does not, or a change of the evidence).
    enum Breach: Sendable {
        case model(ReferenceModel)
        case evidence(@Sendable (inout StationaryEvidence) -> Void)
    }

    static let cases: [(String, LangevinSDE, Breach)] = [
        ("stationary", ReferenceModel.p1.sde, .evidence { $0.residual = 1e-3 }),
        ("lyapunov", ReferenceModel.p4.sde, .evidence { $0.covariance = 1.01 * $0.covariance }),
        ("gibbs_training_loss", ReferenceModel.p5.sde, .model(.p4)),
        ("gibbs_modified_loss", ReferenceModel.p3.sde, .evidence { $0.fittedPrecision = 1.001 * $0.fittedPrecision }),
        ("current_nonzero", ReferenceModel.p4.sde, .evidence { $0.current.absoluteIntegral = 0 }),
        ("current_theta", ReferenceModel.p1.sde, .evidence { $0.current.thetaIdentityDeviation = 1e-6 }),
        ("current_divergence", ReferenceModel.p3.sde, .evidence { $0.current.relativeDivergence = 1e-4 }),
        ("current_moment", ReferenceModel.p4.sde, .evidence { $0.current.firstMoment = 1.001 * $0.current.firstMoment }),
        ("detailed_balance", ReferenceModel.p3.sde, .model(.p4)),
        ("rotation", ReferenceModel.p3.sde, .evidence { $0.current.eigenPlaneCirculations[0] *= -1 }),
        ("isotropic_theta", p3WithoutDecay, .evidence { $0.covariance.elements[0] *= 1.01 }),
        ("flat_confined", ReferenceModel.p3.sde, .evidence { e in
            // Swap the θ-variances along the two eigen-directions of H.
            let modes = ReferenceModel.p3.sde.modes
            let (u0, u1) = (modes[0].direction, modes[1].direction)
            let theta = e.covariance.block(rows: 0..<2, cols: 0..<2)
            let (a, b) = (dot(u0, theta * u0), dot(u1, theta * u1))
            let swapped = b * Matrix.outer(u0, u0) + a * Matrix.outer(u1, u1)
            e.covariance.setBlock(row: 0, col: 0, swapped)
        }),
    ]

    @Test("The registry lists every claim once, stationary ones first")
    func registry() {
        let ids = Validator.claims.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids == Self.cases.map(\.0) + ["flat_no_diffusion", "flat_oscillator"])
    }

    @Test("Each stationary claim holds on the exact evidence of a model for which the theory says it holds, and not once broken",
          arguments: 0..<cases.count)
    func bothVerdicts(_ index: Int) throws {
        let (id, sde, breach) = Self.cases[index]
        let holds = try Self.verdict(id, sde)
        #expect(holds.verdict == .holds && holds.agrees == true, "\(id): \(holds.detail)")
        let broken: ClaimResult
        switch breach {
        case let .model(model): broken = try Self.verdict(id, model.sde)
        case let .evidence(change): broken = try Self.verdict(id, sde, change)
        }
        #expect(broken.verdict == .doesNotHold, "\(id): \(broken.detail)")
        // A prediction of "does not hold" agrees with it; a spoiled measurement disagrees with "holds".
        if case .model = breach { #expect(broken.agrees == true) } else { #expect(broken.agrees == false) }
    }

    @Test("Without stationary evidence every stationary claim is not applicable, with the reason given")
    func missingEvidence() {
        let results = Validator.evaluate(Evidence(sde: ReferenceModel.p6.sde, stationary: nil, stationaryUnavailable: "P is singular"))
        let stationary = results.filter { !$0.id.hasPrefix("flat_") || $0.id == "flat_confined" }
        #expect(stationary.count == 12 && stationary.allSatisfy { $0.verdict == .notApplicable && $0.detail == "P is singular" })
    }

    @Test("Claims that need two parameters, the paper's noise or weight decay say so on a run without them")
    func notApplicableClaims() throws {
        for id in ["isotropic_theta", "flat_confined"] {
            #expect(try Self.verdict(id, ReferenceModel.p1.sde).verdict == .notApplicable)
        }
        #expect(try Self.verdict("gibbs_modified_loss", ReferenceModel.p4.sde).verdict == .notApplicable)
        #expect(try Self.verdict("isotropic_theta", ReferenceModel.p3.sde).verdict == .notApplicable)
    }
}
