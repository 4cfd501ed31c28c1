import Foundation

/// A verdict on one claim.
public enum Verdict: String, Codable, Sendable {
    case holds
    case doesNotHold = "does not hold"
    case notApplicable = "not applicable"
    /// The grid's own error could move the measurement across the tolerance: neither verdict is safe.
    case inconclusive = "inconclusive on this grid"
}

/// One claim of the theory, evaluated on a run.
public struct ClaimResult: Codable, Equatable, Sendable {
    /// Short stable key, e.g. "detailed_balance".
    public var id: String
    /// The claim in words.
    public var claim: String
    /// What the exact theory predicts for this run; nil when it predicts nothing (e.g. for state-dependent noise).
    public var expected: Verdict?
    /// What the numbers say.
    public var verdict: Verdict
    /// The measured quantity the verdict rests on, and the bound it was held to.
    public var measured: Double?
    public var tolerance: Double?
    /// True when the claim holds for measurements at or above the tolerance (at or below otherwise).
    public var holdsAbove: Bool?
    /// The discretisation floor of `measured`: how far the grid's own error may move it, estimated from the
    /// same evaluation on coarser grids; nil when it was not estimated or could not be (then the verdict is
    /// inconclusive).
    public var floor: Double?
    /// The measured values in words, or why the claim does not apply.
    public var detail: String
    /// Whether the verdict is the predicted one; nil without a prediction, when not applicable or inconclusive.
    public var agrees: Bool?

    public init(id: String, claim: String, expected: Verdict?, verdict: Verdict, measured: Double?, tolerance: Double?,
                holdsAbove: Bool? = nil, floor: Double? = nil, detail: String) {
        self.id = id
        self.claim = claim
        self.expected = expected
        self.verdict = verdict
        self.measured = measured
        self.tolerance = tolerance
        self.holdsAbove = holdsAbove
        self.floor = floor
        self.detail = detail
        self.agrees = verdict == .notApplicable || verdict == .inconclusive ? nil : expected.map { $0 == verdict }
    }

    /// A claim that does not apply to the run, with the reason.
    public static func notApplicable(_ id: String, _ claim: String, because reason: String) -> ClaimResult {
        ClaimResult(id: id, claim: claim, expected: nil, verdict: .notApplicable, measured: nil, tolerance: nil, detail: reason)
    }

    /// The same claim, inconclusive for `reason` (appended to the detail).
    func inconclusive(because reason: String) -> ClaimResult {
        ClaimResult(id: id, claim: claim, expected: expected, verdict: .inconclusive, measured: measured, tolerance: tolerance,
                    holdsAbove: holdsAbove, floor: floor, detail: detail + "; inconclusive on this grid: " + reason)
    }

    /// The advice of a grid solve: more [grid] points.
    public static func morePoints(_ n: Int) -> String { "[grid] points (e.g. --points \(n))" }

    /// The advice of a solve in the adapted frame: more points per frame axis.
    public static func moreFramePoints(_ n: Int) -> String { "[grid] frame_points (e.g. --set grid.frame_points=\(n))" }

    /// A claim decided by `measured ≤ tolerance` (or ≥ with `holdsAbove`).
    public static func measured(_ id: String, _ claim: String, expected: Verdict?, value: Double, tolerance: Double,
                                holdsAbove: Bool = false, detail: String) -> ClaimResult {
        let holds = value.isFinite && (holdsAbove ? value >= tolerance : value <= tolerance)
        return ClaimResult(id: id, claim: claim, expected: expected, verdict: holds ? .holds : .doesNotHold,
                           measured: value, tolerance: tolerance, holdsAbove: holdsAbove, detail: detail)
    }

    /// The verdict again, now that the measurement's discretisation floor is known: it holds (or does not)
    /// only if it would whatever error up to the floor the grid added; otherwise it is inconclusive, and the
    /// detail says what would decide it.
    /// `rerun` names the setting that takes more points, e.g. "[grid] points (e.g. --points 24)".
    public func judged(floor: Double, coarserPoints: Int, points: Int, rerun: (Int) -> String = Self.morePoints) -> ClaimResult {
        guard verdict == .holds || verdict == .doesNotHold, let value = measured, value.isFinite, let tolerance else { return self }
        let above = holdsAbove ?? false
        let f = floor.isNaN ? Double.infinity : floor
        let (low, high) = (value - f, value + f)
        let verdict: Verdict
        if above ? low >= tolerance : high <= tolerance {
            verdict = .holds
        } else if above ? high < tolerance : low > tolerance {
            verdict = .doesNotHold
        } else {
            verdict = .inconclusive
        }
        var detail = self.detail
        if verdict == .inconclusive {
            let more = 2 * Int((1.5 * Double(points) / 2).rounded(.up))
            detail += f.isFinite
                ? String(format: "; inconclusive on this grid: its discretisation floor %.2g (from the same evaluation at %ld and fewer points per axis) could carry it across the tolerance %.2g; rerun with more %@",
                         f, coarserPoints, tolerance, rerun(more))
                : String(format: "; inconclusive on this grid: the measurement does not converge between coarser grids and %ld points per axis, so the grid's own error is unknown; rerun with more %@",
                         points, rerun(more))
        }
        return ClaimResult(id: id, claim: claim, expected: expected, verdict: verdict, measured: value, tolerance: tolerance,
                           holdsAbove: above, floor: f.isFinite ? f : nil, detail: detail)
    }
}

/// Every claim evaluated on one run.
public struct ValidationReport: Codable, Equatable, Sendable {
    /// The run file (or "built-in example").
    public var run: String
    public var claims: [ClaimResult]
    /// True when every verdict with a prediction agrees with it (inconclusive verdicts do not disagree).
    public var allAgree: Bool
    /// The claims this grid cannot decide.
    public var inconclusive: [String] { claims.filter { $0.verdict == .inconclusive }.map(\.id) }

    public init(run: String, claims: [ClaimResult]) {
        self.run = run
        self.claims = claims
        allAgree = claims.allSatisfy { $0.agrees != false }
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public static func decode(json: String) throws -> ValidationReport {
        try JSONDecoder().decode(ValidationReport.self, from: Data(json.utf8))
    }
}
