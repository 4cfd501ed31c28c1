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

    /// Every claim on `evidence` from a grid of `points` per axis, each measurement with its discretisation
    /// floor, estimated from the same evidence on two coarser grids of the same box (`coarser`, finest
    /// first; nil where a grid gave no evidence). A grid that gives no evidence leaves the floor unknown and
    /// the verdict inconclusive.
    public static func evaluate(_ evidence: Evidence, points: Int, coarser: [(evidence: Evidence?, points: Int)],
                                rerun: (Int) -> String = ClaimResult.morePoints) -> [ClaimResult] {
        precondition(coarser.count == 2)
        let rough = coarser.map { $0.evidence.map(evaluate) }
        let judged = evaluate(evidence).enumerated().map { i, fine in
            guard let value = fine.measured, let tolerance = fine.tolerance else { return fine }
            let floor = discretisationFloor([(points, value), (coarser[0].points, rough[0]?[i].measured), (coarser[1].points, rough[1]?[i].measured)],
                                            tolerance: tolerance)
            return fine.judged(floor: floor, coarserPoints: coarser[0].points, points: points, rerun: rerun)
        }
        // A density that is not stationary on its own grid to the tolerance is not yet the stationary law: what
        // is measured on it says nothing about that law, however steady it looks between grids.
        guard let stationarity = judged.first(where: { $0.id == StationaryClaims.stationary.id }), stationarity.verdict != .holds,
              stationarity.verdict != .notApplicable else { return judged }
        let stationaryIDs = Set(StationaryClaims.all.map(\.id))
        return judged.map { c in
            guard c.id != stationarity.id, stationaryIDs.contains(c.id), c.verdict == .holds || c.verdict == .doesNotHold else { return c }
            return c.inconclusive(because: String(format: "the solved density is not stationary on this grid (‖L p‖/‖p‖ = %.2g against %.2g), so it is not yet the stationary law this claim is about; rerun with more %@",
                                                  stationarity.measured ?? .nan, stationarity.tolerance ?? .nan, rerun(2 * Int((1.5 * Double(points) / 2).rounded(.up)))))
        }
    }

    /// The error of the finest of three measurements (points n₀ > n₁ > n₂, values v₀, v₁, v₂) as geometric
    /// convergence e(n) = Cρⁿ predicts it: the differences δ₁ = |v₁ − v₀| and δ₂ = |v₂ − v₁| fix ρ through
    /// δ₁/δ₂ = ρ^a (1 − ρ^b)/(1 − ρ^a) with a = n₁ − n₂, b = n₀ − n₁, and then e(n₀) = δ₁ ρ^b/(1 − ρ^b).
    /// Spectral errors fall faster than geometrically, which makes this an upper estimate. Measurements
    /// that do not converge are as uncertain as their spread (grids so coarse that they are steady but wrong
    /// fail the stationarity claim, which then holds every other verdict back); values that agree to within a
    /// thousandth of the tolerance are converged as far as the claim can tell.
    static func discretisationFloor(_ levels: [(points: Int, value: Double?)], tolerance: Double) -> Double {
        guard levels.count == 3, let v0 = levels[0].value, let v1 = levels[1].value, let v2 = levels[2].value,
              v0.isFinite, v1.isFinite, v2.isFinite else { return .infinity }
        let d1 = abs(v1 - v0), d2 = abs(v2 - v1)
        if max(d1, d2) <= 1e-3 * tolerance { return max(d1, d2) }
        let a = Double(levels[1].points - levels[2].points), b = Double(levels[0].points - levels[1].points)
        guard a > 0, b > 0 else { return .infinity }
        // The ratio rises from 0 to b/a as ρ goes from 0 to 1: at or above b/a nothing converges.
        func ratio(_ rho: Double) -> Double { pow(rho, a) * (1 - pow(rho, b)) / (1 - pow(rho, a)) }
        let target = d1 / d2
        guard d2 > 0, target < 0.999 * b / a else { return max(d1, d2) }
        var (lo, hi) = (0.0, 1.0)
        for _ in 0..<100 {
            let mid = 0.5 * (lo + hi)
            if ratio(mid) < target { lo = mid } else { hi = mid }
        }
        let step = pow(hi, b)
        return d1 * step / (1 - step)
    }
}

func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
