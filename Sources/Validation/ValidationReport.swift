import Foundation

/// A verdict on one claim.
public enum Verdict: String, Codable, Sendable {
    case holds
    case doesNotHold = "does not hold"
    case notApplicable = "not applicable"
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
    /// The measured values in words, or why the claim does not apply.
    public var detail: String
    /// Whether the verdict is the predicted one; nil without a prediction or when not applicable.
    public var agrees: Bool?

    public init(id: String, claim: String, expected: Verdict?, verdict: Verdict, measured: Double?, tolerance: Double?, detail: String) {
        self.id = id
        self.claim = claim
        self.expected = expected
        self.verdict = verdict
        self.measured = measured
        self.tolerance = tolerance
        self.detail = detail
        self.agrees = verdict == .notApplicable ? nil : expected.map { $0 == verdict }
    }

    /// A claim that does not apply to the run, with the reason.
    public static func notApplicable(_ id: String, _ claim: String, because reason: String) -> ClaimResult {
        ClaimResult(id: id, claim: claim, expected: nil, verdict: .notApplicable, measured: nil, tolerance: nil, detail: reason)
    }

    /// A claim decided by `measured ≤ tolerance` (or ≥ with `holdsAbove`).
    public static func measured(_ id: String, _ claim: String, expected: Verdict?, value: Double, tolerance: Double,
                                holdsAbove: Bool = false, detail: String) -> ClaimResult {
        let holds = value.isFinite && (holdsAbove ? value >= tolerance : value <= tolerance)
        return ClaimResult(id: id, claim: claim, expected: expected, verdict: holds ? .holds : .doesNotHold,
                           measured: value, tolerance: tolerance, detail: detail)
    }
}

/// Every claim evaluated on one run.
public struct ValidationReport: Codable, Equatable, Sendable {
    /// The run file (or "built-in example").
    public var run: String
    public var claims: [ClaimResult]
    /// True when every verdict with a prediction agrees with it.
    public var allAgree: Bool

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
