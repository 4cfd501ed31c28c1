import Foundation
import Testing
import LangevinModel
@testable import Validation

/// The claim logic on exact evidence, where every verdict is known: the flat-direction claims of P6 from
/// the exact transient moments (physics.md §7, §10.3), and the report's bookkeeping.
@Suite("Validator")
struct ValidatorTests {
    /// Exact moments of P6 from x₀ = (0.3, 0.4, 0, 0) with covariance diag(0.0625, 0.0625, 0.4, 0.4).
    static func p6Evidence(_ sde: LangevinSDE, extraNoise: Double = 0) -> TransientEvidence {
        let start = Gaussian(mean: [0.3, 0.4, 0, 0], covariance: Matrix.diagonal([0.0625, 0.0625, 0.4, 0.4]))
        var evidence = TransientEvidence(times: [], means: [], covariances: [])
        for k in 0...20 {
            let t = 0.1 * Double(k)
            var law = GaussianTheory.propagate(start, sde, time: t)
            law.covariance = law.covariance + (extraNoise * t) * Matrix.identity(4)
            evidence.times.append(t)
            evidence.means.append(law.mean)
            evidence.covariances.append(law.covariance.elements)
        }
        return evidence
    }

    @Test("P6: the exact law carries no diffusion along the flat direction and its mean is the damped oscillator")
    func flatDirectionHolds() {
        let sde = ReferenceModel.p6.sde
        let claims = Validator.evaluate(Evidence(sde: sde, stationary: nil, stationaryUnavailable: "degenerate", transient: Self.p6Evidence(sde)))
        let byID = Dictionary(uniqueKeysWithValues: claims.map { ($0.id, $0) })
        #expect(byID["flat_no_diffusion"]?.verdict == .holds)
        #expect(byID["flat_oscillator"]?.verdict == .holds)
        #expect(byID["flat_no_diffusion"]!.measured! <= 1e-10)
        #expect(byID["flat_oscillator"]!.measured! <= 1e-12)
        #expect(byID["stationary"]?.verdict == .notApplicable && byID["stationary"]?.detail == "degenerate")
        #expect(ValidationReport(run: "P6", claims: claims).allAgree)
    }

    @Test("Diffusion added along every direction is detected, and the report then disagrees with the theory")
    func flatDirectionViolated() {
        let sde = ReferenceModel.p6.sde
        let claims = Validator.evaluate(Evidence(sde: sde, stationary: nil, transient: Self.p6Evidence(sde, extraNoise: 0.1)))
        let claim = claims.first { $0.id == "flat_no_diffusion" }!
        #expect(claim.verdict == .doesNotHold && claim.agrees == false)
        #expect(!ValidationReport(run: "P6", claims: claims).allAgree)
    }

    @Test("Without a flat direction the flat-direction claims are not applicable, with the reason")
    func noFlatDirection() {
        let claims = Validator.evaluate(Evidence(sde: ReferenceModel.p3.sde, stationary: nil, stationaryUnavailable: "x"))
        let flat = claims.filter { $0.id.hasPrefix("flat_") && $0.id != "flat_confined" }
        #expect(flat.count == 2 && flat.allSatisfy { $0.verdict == .notApplicable && $0.detail.contains("no flat direction") })
    }

    @Test("The JSON report round-trips, including absent predictions and measurements")
    func jsonRoundTrip() throws {
        let report = ValidationReport(run: "P4.toml", claims: [
            .measured("a", "claim a", expected: .holds, value: 1e-9, tolerance: 1e-6, detail: "fine"),
            .measured("b", "claim b", expected: .doesNotHold, value: 0.4, tolerance: 1e-6, detail: "broken"),
            .measured("c", "claim c", expected: nil, value: 2, tolerance: 1, holdsAbove: true, detail: "no prediction"),
            .notApplicable("d", "claim d", because: "reason"),
        ])
        #expect(report.allAgree)
        #expect(report.claims.map(\.agrees) == [true, true, nil, nil])
        let decoded = try ValidationReport.decode(json: try report.json())
        #expect(decoded == report)
    }
}
