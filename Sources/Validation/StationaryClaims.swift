import Foundation
import LangevinModel
import ModifiedLoss

/// The claims about the stationary density, its modified loss and its current (physics.md §6).
enum StationaryClaims {
    static let all = [stationary, lyapunov, gibbsTrainingLoss, gibbsModifiedLoss, currentNonzero, currentTheta, currentDivergence,
                      currentMoment, detailedBalance, rotation, isotropicTheta, flatConfined]

    static let stationary = Claim.stationary("stationary", "The density becomes stationary: ‖∂p/∂t‖/‖p‖ = ‖L p‖/‖p‖ is below tolerance") { claim, _, s in
        claim.measured(expected: .holds, value: s.residual, tolerance: s.residualTolerance,
                       detail: String(format: "‖L p‖/‖p‖ = %.3g per unit time", s.residual))
    }

    static let lyapunov = Claim.stationary("lyapunov", "The stationary density is the Lyapunov Gaussian N(x*, P) with AP + PAᵀ = 2D") { claim, sde, s in
        guard let theory = try? StationaryTheory(sde) else {
            return claim.notApplicable("the \(sde.noise.name) noise depends on θ, so the stationary law is not Gaussian")
        }
        let n = sde.phaseDimension, p = theory.law.covariance
        var covError = 0.0
        for a in 0..<n { for b in 0..<n { covError = max(covError, abs(s.covariance[a, b] - p[a, b]) / (p[a, a] * p[b, b]).squareRoot()) } }
        let l1 = s.l1ToExact ?? .infinity
        return claim.measured(expected: .holds, value: max(l1, covError), tolerance: Validator.densityTolerance,
                              detail: String(format: "L¹ distance %.3g, largest covariance error %.3g (relative to σ_aσ_b)", l1, covError))
    }

    static let gibbsTrainingLoss = Claim.stationary(
        "gibbs_training_loss", "The stationary law is the Gibbs law of the training loss, exp(−[L_λ + ½m|v|²]/T), at one temperature T"
    ) { claim, sde, s in
        let gibbs = ModifiedLoss.gibbsComparison(precision: s.fittedPrecision, sde: sde)
        let expected: Verdict? = sde.noise.isStateDependent ? nil : (sde.gibbsTemperature != nil ? .holds : .doesNotHold)
        return claim.measured(expected: expected, value: max(gibbs.mismatch, s.fitResidual), tolerance: Validator.matrixTolerance,
                              detail: String(format: "best temperatures %.6g (θ) and %.6g (v); mismatch %.3g; non-quadratic part of −log p %.3g%@",
                                             gibbs.thetaTemperature, gibbs.velocityTemperature, gibbs.mismatch, s.fitResidual,
                                             expected == nil ? "; the theory predicts nothing for state-dependent noise" : ""))
    }

    static let gibbsModifiedLoss = Claim.stationary("gibbs_modified_loss", "The stationary law is the Gibbs law of the modified loss Ψ, exp(−Ψ/T_v)") { claim, sde, s in
        guard let tv = sde.modifiedLossTemperature, let psi = sde.modifiedLossHessian else {
            return claim.notApplicable("Ψ is defined for the noise Σ = σ²H with σ² > 0 and invertible H only (this run: \(sde.noise.name) noise)")
        }
        let error = max((tv * s.fittedPrecision - psi).maxAbs / psi.maxAbs, s.fitResidual)
        return claim.measured(expected: .holds, value: error, tolerance: Validator.matrixTolerance,
                              detail: String(format: "T_v = %.6g; largest error of T_v·U against the Hessian of Ψ %.3g", tv, error))
    }

    static let currentNonzero = Claim.stationary("current_nonzero", "The stationary current is nonzero (∫|J| dx relative to ∫|f|p dx)") { claim, sde, s in
        // The drift magnitude ∫|f|p ≥ the current's scale; a rotating current is a sizeable fraction of it.
        let driftScale = s.covariance.trace.squareRoot() * sde.driftMatrix.frobeniusNorm
        return claim.measured(expected: .holds, value: s.current.absoluteIntegral / max(driftScale, .leastNormalMagnitude), tolerance: 1e-3,
                              holdsAbove: true, detail: String(format: "∫|J| dx = %.6g", s.current.absoluteIntegral))
    }

    static let currentTheta = Claim.stationary("current_theta", "J_θ = v p exactly") { claim, _, s in
        claim.measured(expected: .holds, value: s.current.thetaIdentityDeviation, tolerance: 1e-12,
                       detail: String(format: "max|J_θ − v p|/max|J| = %.3g", s.current.thetaIdentityDeviation))
    }

    static let currentDivergence = Claim.stationary("current_divergence", "∇·J = 0") { claim, _, s in
        claim.measured(expected: .holds, value: s.current.relativeDivergence, tolerance: s.residualTolerance,
                       detail: String(format: "‖∇·J‖/‖p‖ = %.3g per unit time", s.current.relativeDivergence))
    }

    static let currentMoment = Claim.stationary("current_moment", "∫(x − x*)Jᵀ dx = Q = AP − D") { claim, sde, s in
        // Q = AP − E[D] with the grid's own moments; equal to the Lyapunov Q for constant noise.
        let meanUncentred = zip(s.mean, sde.stationaryPoint).map(+)
        let q = sde.driftMatrix * s.covariance - sde.expectedDiffusion(mean: meanUncentred, covariance: s.covariance)
        let error = (s.current.firstMoment - q).maxAbs / max(q.maxAbs, .leastNormalMagnitude)
        return claim.measured(expected: .holds, value: error, tolerance: Validator.matrixTolerance,
                              detail: String(format: "largest entry of ∫(x−x*)Jᵀ − Q relative to max|Q|: %.3g", error))
    }

    static let detailedBalance = Claim.stationary(
        "detailed_balance", "Detailed balance with momentum parity (entropy production 0) holds iff H_λ and Σ commute"
    ) { claim, sde, s in
        let production = s.current.entropyProduction
        let scale = 2 * sde.gamma * Double(sde.parameterDimension)
        let commutes = sde.noiseCommutesWithHessian
        return claim.measured(expected: commutes.map { $0 ? .holds : .doesNotHold }, value: production.map { $0 / scale } ?? s.current.irreversibleFraction,
                              tolerance: Validator.matrixTolerance,
                              detail: (production.map { String(format: "entropy production %.6g per unit t (relative to 2γd: %.3g)", $0, $0 / scale) }
                                       ?? String(format: "D_vv is singular; irreversible share of ∫|J| %.3g", s.current.irreversibleFraction))
                                  + (commutes.map { $0 ? "; H_λ and Σ commute" : "; H_λ and Σ do not commute" }
                                     ?? "; the theory predicts nothing for state-dependent noise"))
    }

    static let rotation = Claim.stationary("rotation", "Each eigen-plane (u_iᵀθ, u_iᵀv) rotates clockwise at ω_i = √((h_i + λ)/m)") { claim, sde, s in
        let frequencies = zip(s.current.rotationFrequencies, sde.modes.map(\.omega)).map { abs($0 - $1) / $1 }.max() ?? 0
        let clockwise = s.current.eigenPlaneCirculations.allSatisfy { $0 < 0 }
        return claim.measured(expected: .holds, value: clockwise ? frequencies : .infinity, tolerance: Validator.matrixTolerance,
                              detail: "ω measured " + s.current.rotationFrequencies.map { String(format: "%.6g", $0) }.joined(separator: ", ")
                                  + " against " + sde.modes.map { String(format: "%.6g", $0.omega) }.joined(separator: ", ")
                                  + "; circulations " + s.current.eigenPlaneCirculations.map { String(format: "%.6g", $0) }.joined(separator: ", ")
                                  + (clockwise ? " (clockwise)" : " (not all clockwise)"))
    }

    static func paperNoise(_ sde: LangevinSDE) -> Bool { if case .hessian(let s) = sde.noise { return s > 0 }; return false }

    static let isotropicTheta = Claim.stationary("isotropic_theta", "With λ = 0 and Σ ∝ H the θ-covariance is isotropic whatever H is") { claim, sde, s in
        let d = sde.parameterDimension, lambda = sde.hyperparameters.weightDecay
        guard d == 2 && paperNoise(sde) && lambda == 0 else {
            return claim.notApplicable("it needs two parameters, λ = 0 and Σ = σ²H (this run: d = \(d), λ = \(lambda), \(sde.noise.name) noise)")
        }
        let e = s.covariance.block(rows: 0..<d, cols: 0..<d).symmetricEigen().values
        return claim.measured(expected: .holds, value: (e[1] - e[0]) / (0.5 * (e[0] + e[1])), tolerance: Validator.matrixTolerance,
                              detail: String(format: "θ-covariance eigenvalues %.6g and %.6g", e[0], e[1]))
    }

    static let flatConfined = Claim.stationary("flat_confined", "With λ > 0 flatter directions are more confined (smaller θ-variance)") { claim, sde, s in
        let d = sde.parameterDimension, lambda = sde.hyperparameters.weightDecay
        let distinct = d == 2 && sde.modes[1].curvature - sde.modes[0].curvature > 1e-9 * sde.modes[1].curvature
        guard d == 2 && paperNoise(sde) && lambda > 0 && distinct else {
            return claim.notApplicable("it needs two distinct curvatures, λ > 0 and Σ = σ²H (this run: d = \(d), λ = \(lambda), \(sde.noise.name) noise)")
        }
        let thetaCov = s.covariance.block(rows: 0..<d, cols: 0..<d)
        let variances = sde.modes.map { m in dot(m.direction, thetaCov * m.direction) }
        // Modes are in ascending curvature: the first is the flatter one.
        return claim.measured(expected: .holds, value: variances[0] / variances[1], tolerance: 1,
                              detail: String(format: "variance %.6g along h = %.4g against %.6g along h = %.4g", variances[0],
                                             sde.modes[0].curvature, variances[1], sde.modes[1].curvature))
    }
}
