import Foundation
import LangevinModel
import ModifiedLoss
import ProbabilityCurrent
import Spectral

/// What the stationary solve and the analysis of its density measured.
public struct StationaryEvidence {
    /// ‖L p‖/‖p‖ of the solved density, and the bound a stationary density must meet on this grid.
    public var residual: Double
    public var residualTolerance: Double
    /// Moments of the solved density, centred at x* (mean and row-major covariance).
    public var moments: DensityMoments
    /// ∫|p − p_Lyapunov| when the law is Gaussian.
    public var l1ToExact: Double?
    public var modifiedLoss: ModifiedLossResult
    public var current: CurrentSummary

    public init(residual: Double, residualTolerance: Double, moments: DensityMoments, l1ToExact: Double?,
                modifiedLoss: ModifiedLossResult, current: CurrentSummary) {
        self.residual = residual
        self.residualTolerance = residualTolerance
        self.moments = moments
        self.l1ToExact = l1ToExact
        self.modifiedLoss = modifiedLoss
        self.current = current
    }
}

/// Moments of a transient run, for the claims about flat directions.
public struct TransientEvidence {
    public var times: [Double]
    /// Uncentred means and row-major covariances at those times, the first at the start.
    public var means: [[Double]]
    public var covariances: [[Double]]

    public init(times: [Double], means: [[Double]], covariances: [[Double]]) {
        self.times = times
        self.means = means
        self.covariances = covariances
    }
}

/// Evaluates the claims of the limiting-dynamics theory (physics.md §6, §10.3) on a run's numbers.
public enum Validator {
    /// Relative tolerances: moments and matrices read off a resolved grid are good to about 1e-9 (tests);
    /// the bounds leave three digits of room for coarser grids.
    public static let matrixTolerance = 1e-6
    public static let densityTolerance = 1e-6

    public static func evaluate(sde: LangevinSDE, stationary: StationaryEvidence?, stationaryUnavailable: String?,
                                transient: TransientEvidence?) -> [ClaimResult] {
        var claims: [ClaimResult] = []
        if let s = stationary {
            claims += stationaryClaims(sde, s)
        } else {
            let reason = stationaryUnavailable ?? "no stationary density was computed"
            for (id, text) in stationaryClaimTexts { claims.append(.notApplicable(id, text, because: reason)) }
        }
        claims += flatDirectionClaims(sde, transient)
        return claims
    }

    static let stationaryClaimTexts: [(String, String)] = [
        ("stationary", "The density becomes stationary: ‖∂p/∂t‖/‖p‖ = ‖L p‖/‖p‖ is below tolerance"),
        ("lyapunov", "The stationary density is the Lyapunov Gaussian N(x*, P) with AP + PAᵀ = 2D"),
        ("gibbs_training_loss", "The stationary law is the Gibbs law of the training loss, exp(−[L_λ + ½m|v|²]/T), at one temperature T"),
        ("gibbs_modified_loss", "The stationary law is the Gibbs law of the modified loss Ψ, exp(−Ψ/T_v)"),
        ("current_nonzero", "The stationary current is nonzero (∫|J| dx relative to ∫|f|p dx)"),
        ("current_theta", "J_θ = v p exactly"),
        ("current_divergence", "∇·J = 0"),
        ("current_moment", "∫(x − x*)Jᵀ dx = Q = AP − D"),
        ("detailed_balance", "Detailed balance with momentum parity (entropy production 0) holds iff H_λ and Σ commute"),
        ("rotation", "Each eigen-plane (u_iᵀθ, u_iᵀv) rotates clockwise at ω_i = √((h_i + λ)/m)"),
        ("isotropic_theta", "With λ = 0 and Σ ∝ H the θ-covariance is isotropic whatever H is"),
        ("flat_confined", "With λ > 0 flatter directions are more confined (smaller θ-variance)"),
    ]

    static func text(_ id: String) -> String { stationaryClaimTexts.first { $0.0 == id }!.1 }

    static func stationaryClaims(_ sde: LangevinSDE, _ s: StationaryEvidence) -> [ClaimResult] {
        let d = sde.parameterDimension, n = 2 * d
        let gaussian = try? StationaryTheory(sde)
        let covariance = Matrix(rows: n, cols: n, elements: s.moments.covariance)
        var claims: [ClaimResult] = []

        claims.append(.measured("stationary", text("stationary"), expected: .holds, value: s.residual, tolerance: s.residualTolerance,
                                detail: String(format: "‖L p‖/‖p‖ = %.3g per unit time", s.residual)))

        if let theory = gaussian {
            let p = theory.law.covariance
            let scale = (0..<n).map { p[$0, $0] }
            var covError = 0.0
            for a in 0..<n { for b in 0..<n { covError = max(covError, abs(covariance[a, b] - p[a, b]) / (scale[a] * scale[b]).squareRoot()) } }
            let l1 = s.l1ToExact ?? .infinity
            claims.append(.measured("lyapunov", text("lyapunov"), expected: .holds, value: max(l1, covError), tolerance: densityTolerance,
                                    detail: String(format: "L¹ distance %.3g, largest covariance error %.3g (relative to σ_aσ_b)", l1, covError)))
        } else {
            claims.append(.notApplicable("lyapunov", text("lyapunov"),
                                         because: "the \(sde.noise.name) noise depends on θ, so the stationary law is not Gaussian"))
        }

        let gibbs = ModifiedLoss.gibbsComparison(precision: s.modifiedLoss.fittedPrecision, sde: sde)
        let gibbsExpected: Verdict? = sde.noise.isStateDependent ? nil : (sde.gibbsTemperature != nil ? .holds : .doesNotHold)
        let gibbsMismatch = max(gibbs.mismatch, s.modifiedLoss.fitResidual)
        claims.append(.measured("gibbs_training_loss", text("gibbs_training_loss"), expected: gibbsExpected, value: gibbsMismatch,
                                tolerance: matrixTolerance,
                                detail: String(format: "best temperatures %.6g (θ) and %.6g (v); mismatch %.3g; non-quadratic part of −log p %.3g%@",
                                               gibbs.thetaTemperature, gibbs.velocityTemperature, gibbs.mismatch, s.modifiedLoss.fitResidual,
                                               gibbsExpected == nil ? "; the theory predicts nothing for state-dependent noise" : "")))

        if let tv = sde.modifiedLossTemperature, let psi = sde.modifiedLossHessian {
            let error = max((tv * s.modifiedLoss.fittedPrecision - psi).maxAbs / psi.maxAbs, s.modifiedLoss.fitResidual)
            claims.append(.measured("gibbs_modified_loss", text("gibbs_modified_loss"), expected: .holds, value: error, tolerance: matrixTolerance,
                                    detail: String(format: "T_v = %.6g; largest error of T_v·U against the Hessian of Ψ %.3g", tv, error)))
        } else {
            claims.append(.notApplicable("gibbs_modified_loss", text("gibbs_modified_loss"),
                                         because: "Ψ is defined for the noise Σ = σ²H with σ² > 0 and invertible H only (this run: \(sde.noise.name) noise)"))
        }

        // The drift magnitude ∫|f|p ≥ the current's scale; a rotating current is a sizeable fraction of it.
        let driftScale = covariance.trace.squareRoot() * sde.driftMatrix.frobeniusNorm
        let relativeCurrent = s.current.absoluteIntegral / max(driftScale, .leastNormalMagnitude)
        claims.append(.measured("current_nonzero", text("current_nonzero"), expected: .holds, value: relativeCurrent, tolerance: 1e-3,
                                holdsAbove: true, detail: String(format: "∫|J| dx = %.6g", s.current.absoluteIntegral)))
        claims.append(.measured("current_theta", text("current_theta"), expected: .holds, value: s.current.thetaIdentityDeviation,
                                tolerance: 1e-12, detail: String(format: "max|J_θ − v p|/max|J| = %.3g", s.current.thetaIdentityDeviation)))
        claims.append(.measured("current_divergence", text("current_divergence"), expected: .holds, value: s.current.relativeDivergence,
                                tolerance: s.residualTolerance, detail: String(format: "‖∇·J‖/‖p‖ = %.3g per unit time", s.current.relativeDivergence)))

        // Q = AP − E[D] with the grid's own moments; equal to the Lyapunov Q for constant noise.
        let meanUncentred = zip(s.moments.mean, sde.stationaryPoint).map(+)
        let q = sde.driftMatrix * covariance - sde.expectedDiffusion(mean: meanUncentred, covariance: covariance)
        let qError = (s.current.firstMoment - q).maxAbs / max(q.maxAbs, .leastNormalMagnitude)
        claims.append(.measured("current_moment", text("current_moment"), expected: .holds, value: qError, tolerance: matrixTolerance,
                                detail: String(format: "largest entry of ∫(x−x*)Jᵀ − Q relative to max|Q|: %.3g", qError)))

        let production = s.current.entropyProduction
        let epScale = 2 * sde.gamma * Double(d)
        let dbValue = production.map { $0 / epScale } ?? s.current.irreversibleFraction
        let commutes = sde.noiseCommutesWithHessian
        claims.append(.measured("detailed_balance", text("detailed_balance"),
                                expected: commutes.map { $0 ? .holds : .doesNotHold }, value: dbValue, tolerance: matrixTolerance,
                                detail: (production.map { String(format: "entropy production %.6g per unit t (relative to 2γd: %.3g)", $0, $0 / epScale) }
                                         ?? String(format: "D_vv is singular; irreversible share of ∫|J| %.3g", s.current.irreversibleFraction))
                                    + (commutes.map { $0 ? "; H_λ and Σ commute" : "; H_λ and Σ do not commute" }
                                       ?? "; the theory predicts nothing for state-dependent noise")))

        let frequencies = zip(s.current.rotationFrequencies, sde.modes.map(\.omega)).map { abs($0 - $1) / $1 }.max() ?? 0
        let clockwise = s.current.eigenPlaneCirculations.allSatisfy { $0 < 0 }
        claims.append(.measured("rotation", text("rotation"), expected: .holds, value: clockwise ? frequencies : .infinity,
                                tolerance: matrixTolerance,
                                detail: "ω measured " + s.current.rotationFrequencies.map { String(format: "%.6g", $0) }.joined(separator: ", ")
                                    + " against " + sde.modes.map { String(format: "%.6g", $0.omega) }.joined(separator: ", ")
                                    + "; circulations " + s.current.eigenPlaneCirculations.map { String(format: "%.6g", $0) }.joined(separator: ", ")
                                    + (clockwise ? " (clockwise)" : " (not all clockwise)")))

        let thetaCov = covariance.block(rows: 0..<d, cols: 0..<d)
        let paperNoise: Bool = { if case .hessian(let s) = sde.noise { return s > 0 }; return false }()
        let lambda = sde.hyperparameters.weightDecay
        if d == 2 && paperNoise && lambda == 0 {
            let e = thetaCov.symmetricEigen().values
            let anisotropy = (e[1] - e[0]) / (0.5 * (e[0] + e[1]))
            claims.append(.measured("isotropic_theta", text("isotropic_theta"), expected: .holds, value: anisotropy, tolerance: matrixTolerance,
                                    detail: String(format: "θ-covariance eigenvalues %.6g and %.6g", e[0], e[1])))
        } else {
            claims.append(.notApplicable("isotropic_theta", text("isotropic_theta"),
                                         because: "it needs two parameters, λ = 0 and Σ = σ²H (this run: d = \(d), λ = \(lambda), \(sde.noise.name) noise)"))
        }
        let distinct = d == 2 && sde.modes[1].curvature - sde.modes[0].curvature > 1e-9 * sde.modes[1].curvature
        if d == 2 && paperNoise && lambda > 0 && distinct {
            let variances = sde.modes.map { m in dot(m.direction, thetaCov * m.direction) }
            // Modes are in ascending curvature: the first is the flatter one.
            let ratio = variances[0] / variances[1]
            claims.append(.measured("flat_confined", text("flat_confined"), expected: .holds, value: ratio, tolerance: 1,
                                    detail: String(format: "variance %.6g along h = %.4g against %.6g along h = %.4g", variances[0],
                                                   sde.modes[0].curvature, variances[1], sde.modes[1].curvature)))
        } else {
            claims.append(.notApplicable("flat_confined", text("flat_confined"),
                                         because: "it needs two distinct curvatures, λ > 0 and Σ = σ²H (this run: d = \(d), λ = \(lambda), \(sde.noise.name) noise)"))
        }
        return claims
    }

    static let flatNoDiffusion = "A flat direction u (Hu = 0) carries no diffusion: Cov of (u·θ, u·v) follows the noiseless flow"
    static let flatOscillator = "The mean of ψ = u·θ along a flat direction follows ψ̈ + 2γψ̇ + (2λ/(η(1+β)))ψ = 0 (physics.md §10.3)"

    static func flatDirectionClaims(_ sde: LangevinSDE, _ transient: TransientEvidence?) -> [ClaimResult] {
        guard let flat = sde.modes.first(where: { $0.curvature == 0 }) else {
            let reason = "the loss has no flat direction (every eigenvalue of H is positive)"
            return [.notApplicable("flat_no_diffusion", flatNoDiffusion, because: reason),
                    .notApplicable("flat_oscillator", flatOscillator, because: reason)]
        }
        let d = sde.parameterDimension, n = 2 * d
        let u = flat.direction
        let noiseAlongU = dot(u, sde.velocityDiffusion(at: sde.regularizedMinimum) * u)
        guard let run = transient, run.times.count > 1 else {
            let reason = "no transient run was made"
            return [.notApplicable("flat_no_diffusion", flatNoDiffusion, because: reason),
                    .notApplicable("flat_oscillator", flatOscillator, because: reason)]
        }
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
        let strongest = sde.velocityDiffusion(at: sde.regularizedMinimum).symmetricEigen().values.last ?? 0
        let twiceReference = Matrix([[0, 0], [0, 2 * strongest]])
        var meanError = 0.0, covError = 0.0
        let meanScale = max(abs(start[0]), startCov[0, 0].squareRoot())
        for (k, t) in run.times.enumerated() where k > 0 {
            let e = (t * f).exponential()
            let predicted = e * start
            let measured = zip(proj * run.means[k], centre).map { $0 - $1 }
            meanError = max(meanError, abs(measured[0] - predicted[0]) / meanScale)
            let cov = proj * Matrix(rows: n, cols: n, elements: run.covariances[k]) * proj.transposed
            let reference = GaussianTheory.noiseIntegral(drift: -1.0 * f, twiceDiffusion: twiceReference, time: t).maxAbs
            covError = max(covError, (cov - e * startCov * e.transposed).maxAbs / max(reference, .leastNormalMagnitude))
        }
        let expectedNoDiffusion: Verdict = noiseAlongU <= 1e-14 * sde.velocityDiffusion(at: sde.regularizedMinimum).maxAbs ? .holds : .doesNotHold
        let span = String(format: "over %d frames to t = %.4g", run.times.count, run.times.last!)
        return [
            .measured("flat_no_diffusion", flatNoDiffusion, expected: expectedNoDiffusion, value: covError, tolerance: 0.01,
                      detail: String(format: "largest deviation of the (u·θ, u·v) covariance from the noiseless flow %.3g of the spread the strongest noise of the model would add, %@", covError, span)),
            .measured("flat_oscillator", flatOscillator, expected: .holds, value: meanError, tolerance: 1e-6,
                      detail: String(format: "largest deviation of u·mean from the oscillator %.3g relative to its start, %@", meanError, span)),
        ]
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
