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

/// Verdicts that know their resolution: each measurement's floor from the same evidence on coarser grids,
/// and "inconclusive on this grid" where the floor could carry it across the tolerance.
@Suite("Discretisation floors")
struct FloorTests {
    @Test("Geometric convergence: the floor is the predicted remaining error, an upper estimate for faster convergence")
    func geometricFloor() {
        // e(n) = 10^(−n/4): the values at 40, 36 and 30 points of a quantity whose limit is 1e-3.
        let e = { (n: Double) in pow(10, -n / 4) }
        let floor = Validator.discretisationFloor([(40, 1e-3 + e(40)), (36, 1e-3 + e(36)), (30, 1e-3 + e(30))], tolerance: 1e-6)
        #expect(abs(floor - e(40)) <= 1e-6 * e(40), "\(floor) against \(e(40))")
        // e(n) = exp(−n²/80) falls faster than geometrically: the floor over-estimates, never under-estimates.
        let g = { (n: Double) in exp(-n * n / 80) }
        let fast = Validator.discretisationFloor([(40, g(40)), (36, g(36)), (30, g(30))], tolerance: 1e-6)
        #expect(fast >= g(40) && fast <= 100 * g(40), "\(fast) against \(g(40))")
    }

    @Test("Values that wander without converging have their spread as the floor; a missing grid makes it infinite")
    func unconvergedFloor() {
        #expect(Validator.discretisationFloor([(40, 5.27e-7), (36, 5.38e-7), (30, 5.34e-7)], tolerance: 1e-6) == abs(5.27e-7 - 5.38e-7))
        #expect(Validator.discretisationFloor([(40, 1e-9), (36, nil), (30, 1e-3)], tolerance: 1e-6) == .infinity)
        #expect(Validator.discretisationFloor([(40, 1e-12), (36, 2e-12), (30, 1.5e-12)], tolerance: 1e-6) == 1e-12)
    }

    static func residualClaim(fine: Double, coarse: [Double?]) throws -> ClaimResult {
        let sde = ReferenceModel.p1.sde
        func evidence(_ residual: Double?) throws -> Evidence? {
            guard let residual else { return nil }
            var s = try StationaryEvidence.exact(sde)
            s.residual = residual
            return Evidence(sde: sde, stationary: s)
        }
        let results = Validator.evaluate(try evidence(fine)!, points: 40, coarser: [(try evidence(coarse[0]), 36), (try evidence(coarse[1]), 30)])
        return try #require(results.first { $0.id == "stationary" })
    }

    @Test("A residual above the tolerance that the grid explains is inconclusive, with the points that would decide it")
    func inconclusiveWhenTheGridExplainsTheExcess() throws {
        let r = try Self.residualClaim(fine: 2.3e-5, coarse: [1e-3, 8e-2])
        #expect(r.verdict == .inconclusive && r.agrees == nil)
        #expect(r.detail.contains("inconclusive on this grid") && r.detail.contains("--points 60"), "\(r.detail)")
        let report = ValidationReport(run: "P1", claims: [r])
        #expect(report.allAgree && report.inconclusive == ["stationary"])
    }

    @Test("A residual far below or converged far above the tolerance keeps its verdict")
    func decisiveVerdicts() throws {
        let holds = try Self.residualClaim(fine: 3.4e-10, coarse: [1.9e-6, 1.9e-5])
        #expect(holds.verdict == .holds && holds.floor! < 1e-6)
        let fails = try Self.residualClaim(fine: 0.2, coarse: [0.2000001, 0.2000003])
        #expect(fails.verdict == .doesNotHold && fails.agrees == false)
        let unknown = try Self.residualClaim(fine: 1e-9, coarse: [nil, 1e-3])
        #expect(unknown.verdict == .inconclusive && unknown.floor == nil && unknown.detail.contains("does not converge"))
    }

    @Test("A density that is not stationary on its grid holds back every other stationary verdict, however steady between grids")
    func unstationaryEvidenceDecidesNothing() throws {
        let sde = ReferenceModel.p4.sde
        func evidence(residual: Double) throws -> Evidence {
            var s = try StationaryEvidence.exact(sde)
            s.residual = residual
            // Steady but wrong between grids, as a grid too coarse to resolve the law is: a first moment 1 % off.
            s.current.firstMoment = 1.01 * s.current.firstMoment
            return Evidence(sde: sde, stationary: s)
        }
        let coarse = try evidence(residual: 0.1)
        let results = Validator.evaluate(coarse, points: 16, coarser: [(coarse, 14), (coarse, 12)], rerun: ClaimResult.moreFramePoints)
        let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.id, $0) })
        #expect(byID["stationary"]?.verdict == .doesNotHold)
        for id in ["lyapunov", "current_moment", "detailed_balance", "rotation", "current_nonzero"] {
            #expect(byID[id]?.verdict == .inconclusive && byID[id]!.detail.contains("not stationary on this grid")
                    && byID[id]!.detail.contains("grid.frame_points=24"), "\(id): \(byID[id]!.detail)")
        }
        #expect(byID["gibbs_modified_loss"]?.verdict == .notApplicable)
        // Stationary on its grid, the same error is a verdict.
        let fine = try evidence(residual: 1e-11)
        let decided = Validator.evaluate(fine, points: 36, coarser: [(fine, 32), (fine, 28)])
        #expect(decided.first { $0.id == "current_moment" }?.verdict == .doesNotHold)
    }

    @Test("The report with floors and inconclusive verdicts round-trips through JSON")
    func reportRoundTrip() throws {
        let report = ValidationReport(run: "P1", claims: [try Self.residualClaim(fine: 2.3e-5, coarse: [1e-3, 8e-2]),
                                                          try Self.residualClaim(fine: 3.4e-10, coarse: [1.9e-6, 1.9e-5])])
        #expect(try ValidationReport.decode(json: try report.json()) == report)
    }
}
