import Foundation
import LangevinModel

/// The claims about a flat direction u (Hu = 0) of the loss, judged on a transient run (physics.md §10.3).
enum FlatDirectionClaims {
    static let all = [noDiffusion, oscillator]

    static let noDiffusion = Claim(id: "flat_no_diffusion",
                                   statement: "A flat direction u (Hu = 0) carries no diffusion: Cov of (u·θ, u·v) follows the noiseless flow") { claim, evidence in
        switch FlatPlane.deviations(evidence) {
        case let .failure(reason): return claim.notApplicable(reason.text)
        case let .success(plane):
            return claim.measured(expected: plane.noiseFree ? .holds : .doesNotHold, value: plane.covarianceError, tolerance: 0.01,
                                  detail: String(format: "largest deviation of the (u·θ, u·v) covariance from the noiseless flow %.3g of the spread the strongest noise of the model would add, %@", plane.covarianceError, plane.span))
        }
    }

    static let oscillator = Claim(id: "flat_oscillator",
                                  statement: "The mean of ψ = u·θ along a flat direction follows ψ̈ + 2γψ̇ + (2λ/(η(1+β)))ψ = 0 (physics.md §10.3)") { claim, evidence in
        switch FlatPlane.deviations(evidence) {
        case let .failure(reason): return claim.notApplicable(reason.text)
        case let .success(plane):
            return claim.measured(expected: .holds, value: plane.meanError, tolerance: 1e-6,
                                  detail: String(format: "largest deviation of u·mean from the oscillator %.3g relative to its start, %@", plane.meanError, plane.span))
        }
    }
}

/// The transient in the plane (u·θ, u·v) of the first flat direction against its exact noiseless flow.
struct FlatPlane {
    var meanError: Double
    var covarianceError: Double
    /// Whether the model's noise vanishes along u.
    var noiseFree: Bool
    var span: String

    static func deviations(_ evidence: Evidence) -> Result<FlatPlane, Reason> {
        let sde = evidence.sde
        guard let flat = sde.modes.first(where: { $0.curvature == 0 }) else {
            return .failure(Reason("the loss has no flat direction (every eigenvalue of H is positive)"))
        }
        guard let run = evidence.transient, run.times.count > 1 else { return .failure(Reason("no transient run was made")) }
        let d = sde.parameterDimension, n = 2 * d
        let u = flat.direction
        let noise = sde.velocityDiffusion(at: sde.regularizedMinimum)
        // The flat plane obeys (ψ, ψ̇)' = F(ψ, ψ̇) with F = [[0, 1], [−ω_T², −2γ]], about u·μ_λ.
        let hp = sde.hyperparameters
        let omega2 = 2 * hp.weightDecay / (hp.learningRate * (1 + hp.momentum))
        let f = Matrix([[0, 1], [-omega2, -2 * sde.gamma]])
        let proj = Matrix(rows: 2, cols: n, elements: u + [Double](repeating: 0, count: d) + [Double](repeating: 0, count: d) + u)
        let centre = proj * sde.stationaryPoint
        let start = zip(proj * run.means[0], centre).map { $0 - $1 }
        let startCov = proj * Matrix(rows: n, cols: n, elements: run.covariances[0]) * proj.transposed
        // Diffusion is judged against the spread that noise of the model's largest strength would add in
        // this plane, W_ref(t) = ∫₀ᵗ e^{Fs} 2D_ref e^{Fᵀs} ds with D_ref the largest eigenvalue of D_vv:
        // grid errors are a small fraction of it, real diffusion a sizeable one.
        let twiceReference = Matrix([[0, 0], [0, 2 * (noise.symmetricEigen().values.last ?? 0)]])
        var meanError = 0.0, covError = 0.0
        let meanScale = max(abs(start[0]), startCov[0, 0].squareRoot())
        for (k, t) in run.times.enumerated() where k > 0 {
            let e = (t * f).exponential()
            let measured = zip(proj * run.means[k], centre).map { $0 - $1 }
            meanError = max(meanError, abs(measured[0] - (e * start)[0]) / meanScale)
            let cov = proj * Matrix(rows: n, cols: n, elements: run.covariances[k]) * proj.transposed
            let reference = GaussianTheory.noiseIntegral(drift: -1.0 * f, twiceDiffusion: twiceReference, time: t).maxAbs
            covError = max(covError, (cov - e * startCov * e.transposed).maxAbs / max(reference, .leastNormalMagnitude))
        }
        return .success(FlatPlane(meanError: meanError, covarianceError: covError, noiseFree: dot(u, noise * u) <= 1e-14 * noise.maxAbs,
                                  span: String(format: "over %ld frames to t = %.4g", run.times.count, run.times.last!)))
    }

    struct Reason: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}
