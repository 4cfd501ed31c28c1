import Foundation
import Spectral

/// Integrating-factor (Lawson) Runge–Kutta: any explicit tableau applied to the transport part, with the
/// v-diffusion propagated exactly by E(τ) = exp(τΛ), Λ = −kᵥᵀD(θ)kᵥ:
///
///   Yᵢ = E(cᵢh) yₙ + h Σⱼ aᵢⱼ E((cᵢ−cⱼ)h) N(Yⱼ),   yₙ₊₁ = E(h) yₙ + h Σⱼ bⱼ E((1−cⱼ)h) N(Yⱼ).
///
/// Only non-positive exponents occur, so no factor can overflow however stiff the diffusion is.
public final class LawsonRungeKutta: TimeStepper {
    public let name: String
    public let tableau: ButcherTableau
    public let op: FokkerPlanckOperator
    public var control: StepControl { tableau.isAdaptive ? .adaptive : .fixed }
    public var order: Int { tableau.order }
    public var dynamics: LinearDynamics { op.dynamics }
    public var representation: any DensityRepresentation { op }
    public var evaluations: Int { op.evaluations }
    public var lastDiagnostics: StepDiagnostics {
        var d = StepDiagnostics()
        d.minimum = op.lastMinimum
        d.negativeMass = op.lastNegativeMass
        d.isFinite = op.lastIsFinite
        return d
    }

    private var slopes: [AlignedBuffer]
    private let stage: AlignedBuffer
    private let errorField: AlignedBuffer
    private var firstSlopeValid = false
    // E(δh) for each distinct δ ∈ {cᵢ − cⱼ}; `factorIndex[i][j]` picks the one for (i, j), j = i means E(cᵢh) on yₙ.
    private let deltas: [Double]
    private var factors: [AlignedBuffer]
    private var factorsStep = Double.nan
    private let stageFactor: [[Int]]
    private let finalFactor: [Int]

    public init(name: String, tableau: ButcherTableau, operator op: FokkerPlanckOperator) {
        self.name = name
        self.tableau = tableau
        self.op = op
        slopes = (0..<tableau.stages).map { _ in op.makeState() }
        stage = op.makeState()
        errorField = op.makeState()
        let table = Self.factorTable(tableau)
        stageFactor = table.stage
        finalFactor = table.final
        deltas = table.deltas
        let size = op.diffusionSymbol.count
        factors = table.deltas.map { _ in AlignedBuffer(count: size) }
    }

    /// Distinct δ ∈ {cᵢ − cⱼ, cᵢ, 1 − cⱼ} and, per stage and for the final combination, which δ each term uses.
    static func factorTable(_ tableau: ButcherTableau) -> (deltas: [Double], stage: [[Int]], final: [Int]) {
        let c = tableau.nodes, s = tableau.stages
        var ds: [Double] = []
        func indexOf(_ x: Double) -> Int {
            if let i = ds.firstIndex(where: { abs($0 - x) < 1e-12 }) { return i }
            ds.append(x)
            return ds.count - 1
        }
        var stageIdx: [[Int]] = []
        for i in 0..<s { stageIdx.append((0...i).map { j in indexOf(j == i ? c[i] : c[i] - c[j]) }) }
        let final = (0...s).map { j in indexOf(j == s ? 1 : 1 - c[j]) }
        return (ds, stageIdx, final)
    }

    /// Bytes held by the scheme and its operator on `grid`: stage slopes, stage and error fields, the
    /// exponential factors, and the operator's two real and three mixed work fields.
    static func memoryEstimate(_ tableau: ButcherTableau, grid: PhaseSpaceGrid, constantDiffusion: Bool) -> Double {
        let mixed = Double(grid.mixedCount) * 16, real = Double(grid.pointCount) * 8
        let factorSize = Double(constantDiffusion ? grid.velocitySpectralCount : grid.mixedCount) * 8
        return Double(tableau.stages + 2 + 3) * mixed + 2 * real + Double(factorTable(tableau).deltas.count) * factorSize
    }

    public func reset() { firstSlopeValid = false }

    /// Goes on with other dynamics of the same kind on the same grid (`FokkerPlanckOperator.retarget`).
    public func retarget(_ dynamics: LinearDynamics) {
        op.retarget(dynamics)
        factorsStep = .nan
        firstSlopeValid = false
    }

    /// Hairer's first guess: 1% of ‖y‖/‖∂ₜy‖ for the explicit part, capped at 0.1.
    public func initialStep(for state: AlignedBuffer) -> Double {
        let k = op.makeState()
        op.explicitTerms(state, into: k)
        let ny = op.squaredNorm(state).squareRoot(), nk = op.squaredNorm(k).squareRoot()
        var h = nk > 0 ? 0.01 * ny / nk : 1e-3
        if !h.isFinite || h <= 0 { h = 1e-3 }
        return min(h, 0.1)
    }

    private func prepareFactors(step h: Double) {
        if h == factorsStep { return }
        let lambda = op.diffusionSymbol
        for (k, delta) in deltas.enumerated() {
            let out = factors[k].pointer
            let scale = delta * h
            for i in 0..<lambda.count { out[i] = exp(lambda[i] * scale) }
        }
        factorsStep = h
    }

    /// out = E ⊙ x (+ out if accumulate), scaled by `weight`; E broadcasts over θ for constant noise.
    private func multiply(_ x: AlignedBuffer, factor: Int, weight: Double, into out: AlignedBuffer, accumulate: Bool) {
        let e = factors[factor].pointer
        let xs = x.pointer, o = out.pointer
        let nS = op.grid.velocitySpectralCount
        let perTheta = op.diffusionDependsOnTheta
        for it in 0..<op.grid.parameterPointCount {
            let base = it * nS
            let eBase = perTheta ? base : 0
            for j in 0..<nS {
                let w = weight * e[eBase + j]
                let idx = 2 * (base + j)
                if accumulate {
                    o[idx] += w * xs[idx]
                    o[idx + 1] += w * xs[idx + 1]
                } else {
                    o[idx] = w * xs[idx]
                    o[idx + 1] = w * xs[idx + 1]
                }
            }
        }
    }

    public func attempt(_ state: AlignedBuffer, step h: Double, tolerance: Double) -> StepAttempt {
        prepareFactors(step: h)
        let s = tableau.stages
        if !firstSlopeValid {
            op.explicitTerms(state, into: slopes[0])
            firstSlopeValid = true
        }
        for i in 1..<s {
            multiply(state, factor: stageFactor[i][i], weight: 1, into: stage, accumulate: false)
            for j in 0..<i where tableau.coefficients[i][j] != 0 {
                multiply(slopes[j], factor: stageFactor[i][j], weight: h * tableau.coefficients[i][j], into: stage, accumulate: true)
            }
            op.explicitTerms(stage, into: slopes[i])
        }
        // For FSAL tableaus the last stage already is the new solution.
        let solution: AlignedBuffer
        if tableau.isFSAL {
            solution = stage
        } else {
            multiply(state, factor: finalFactor[s], weight: 1, into: stage, accumulate: false)
            for j in 0..<s where tableau.weights[j] != 0 {
                multiply(slopes[j], factor: finalFactor[j], weight: h * tableau.weights[j], into: stage, accumulate: true)
            }
            solution = stage
        }
        guard let embedded = tableau.embeddedWeights else {
            state.copy(from: solution)
            firstSlopeValid = false
            return StepAttempt(accepted: true, error: 0, suggestedStep: h)
        }
        var first = true
        for j in 0..<s {
            let e = tableau.weights[j] - embedded[j]
            if e == 0 { continue }
            multiply(slopes[j], factor: finalFactor[j], weight: h * e, into: errorField, accumulate: !first)
            first = false
        }
        let norm = op.squaredNorm(solution)
        let err = (op.squaredNorm(errorField) / max(norm, .leastNormalMagnitude)).squareRoot()
        let exponent = 1.0 / Double((tableau.embeddedOrder ?? tableau.order) + 1)
        guard err.isFinite else { return StepAttempt(accepted: false, error: err, suggestedStep: h * 0.2) }
        let factor = err == 0 ? 5 : min(5, max(0.2, 0.9 * pow(tolerance / err, exponent)))
        if err <= tolerance {
            state.copy(from: solution)
            if tableau.isFSAL { slopes.swapAt(0, s - 1) } else { firstSlopeValid = false }
            return StepAttempt(accepted: true, error: err, suggestedStep: h * factor)
        }
        return StepAttempt(accepted: false, error: err, suggestedStep: h * min(factor, 0.9))
    }
}
