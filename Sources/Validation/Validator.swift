import Foundation
import LangevinModel
import ModifiedLoss

/// One claim of the limiting-dynamics theory: a stable id, the statement, and how it is judged on a run's
/// evidence (physics.md §6, §10.3). A claim that needs evidence the run lacks is "not applicable", with why.
public struct Claim: Sendable {
    public let id: String
    public let statement: String
    let judge: @Sendable (Claim, Evidence) -> ClaimResult

    public func evaluate(_ evidence: Evidence) -> ClaimResult { judge(self, evidence) }

    func notApplicable(_ reason: String) -> ClaimResult { .notApplicable(id, statement, because: reason) }

    func measured(expected: Verdict?, value: Double, tolerance: Double, holdsAbove: Bool = false, detail: String) -> ClaimResult {
        .measured(id, statement, expected: expected, value: value, tolerance: tolerance, holdsAbove: holdsAbove, detail: detail)
    }

    /// A claim about the stationary density: not applicable without one.
    static func stationary(_ id: String, _ statement: String,
                           _ judge: @escaping @Sendable (Claim, LangevinSDE, StationaryEvidence) -> ClaimResult) -> Claim {
        Claim(id: id, statement: statement) { claim, evidence in
            guard let s = evidence.stationary else {
                return claim.notApplicable(evidence.stationaryUnavailable ?? "no stationary density was computed")
            }
            return judge(claim, evidence.sde, s)
        }
    }
}

/// The registry of claims, in the order reports list them.
public enum Validator {
    /// Relative tolerances: moments and matrices read off a resolved grid are good to about 1e-9 (tests);
    /// the bounds leave three digits of room for coarser grids.
    public static let matrixTolerance = 1e-6
    public static let densityTolerance = 1e-6

    public static let claims: [Claim] = StationaryClaims.all + FlatDirectionClaims.all

    public static func claim(_ id: String) -> Claim? { claims.first { $0.id == id } }

    public static func evaluate(_ evidence: Evidence) -> [ClaimResult] { claims.map { $0.evaluate(evidence) } }

    public static func evaluate(sde: LangevinSDE, stationary: StationaryEvidence?, stationaryUnavailable: String?,
                                transient: TransientEvidence?) -> [ClaimResult] {
        evaluate(Evidence(sde: sde, stationary: stationary, stationaryUnavailable: stationaryUnavailable, transient: transient))
    }
}

func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
