import Foundation
import Testing
@testable import LangevinModel

@Suite("Hyperparameters, loss and noise")
struct BuildingBlockTests {
    @Test func hyperparameters() {
        let hp = Hyperparameters(learningRate: 0.1, momentum: 0.9, batchSize: 4)
        #expect(hp.weightDecay == 0 && hp.datasetSize == nil)
        #expect(hp.batchNoiseFactor == 0.25)
        // m = η(1+β)/2 and γ = (1−β)/(η(1+β)): one or two roundings each.
        #expect(isClose(hp.mass, 0.095, rel: 1e-15))
        #expect(isClose(hp.gamma, 0.1 / 0.19, rel: 1e-15))
        #expect(isClose(hp.friction, 0.1, rel: 1e-15))
        let without = Hyperparameters(learningRate: 0.1, momentum: 0.9, batchSize: 4, datasetSize: 10)
        // (N−S)/(S(N−1)) = 6/36.
        #expect(isClose(without.batchNoiseFactor, 1.0 / 6, rel: 1e-15))
        #expect(Hyperparameters(learningRate: 1, momentum: 0, batchSize: 5, datasetSize: 5).batchNoiseFactor == 0)
    }

    @Test func quadraticLoss() {
        let loss = QuadraticLoss(hessian: Matrix([[2, 1], [1, 3]]), minimum: [1, -1])
        #expect(loss.dimension == 2)
        #expect(loss.value([1, -1]) == 0)
        // δ = (1, 1): ½ δᵀHδ = ½(2+1+1+3) = 3.5; Hδ = (3, 4).
        #expect(loss.value([2, 0]) == 3.5)
        #expect(loss.gradient([2, 0]) == [3, 4])
        #expect(loss.regularizedValue([2, 0], weightDecay: 0.5) == 3.5 + 0.25 * 4)
        #expect(loss.regularizedGradient([2, 0], weightDecay: 0.5) == [4, 4])
    }

    @Test func noiseCovariances() {
        let loss = QuadraticLoss(hessian: Matrix([[2, 1], [1, 3]]), minimum: [1, -1])
        let theta = [2.0, 0.0]
        #expect(NoiseModel.hessian(scale: 0.5).covariance(at: theta, loss: loss) == 0.5 * loss.hessian)
        #expect(NoiseModel.isotropic(scale: 0.5).covariance(at: theta, loss: loss) == 0.5 * Matrix.identity(2))
        #expect(NoiseModel.matrix(Matrix([[1, 0], [0, 2]])).covariance(at: theta, loss: loss) == Matrix([[1, 0], [0, 2]]))
        // δ = (1, 1), δᵀHδ = 7, Hδ = (3, 4): Σ = (7 + 0.5)H + (3, 4)(3, 4)ᵀ.
        let lh = NoiseModel.lossHessian(labelNoise: 0.5).covariance(at: theta, loss: loss)
        #expect(lh == 7.5 * loss.hessian + Matrix([[9, 12], [12, 16]]))
        // At the minimum it is σ_ε² H, the paper's "Hessian times loss" noise.
        #expect(NoiseModel.lossHessian(labelNoise: 0.5).covariance(at: [1, -1], loss: loss) == 0.5 * loss.hessian)
        #expect([NoiseModel.hessian(scale: 1), .matrix(.identity(2)), .isotropic(scale: 1), .lossHessian(labelNoise: 1)]
            .map(\.name) == ["hessian", "matrix", "isotropic", "loss-hessian"])
        #expect(NoiseModel.lossHessian(labelNoise: 0).isStateDependent && !NoiseModel.hessian(scale: 1).isStateDependent)
    }

    /// Σ(θ) is quadratic in θ, so its average over any distribution depends only on the first two
    /// moments: check the closed form against an explicit average over a few weighted points.
    @Test func expectedLossHessianCovarianceIsExactForAnyDistribution() {
        let loss = QuadraticLoss(hessian: hessianP3, minimum: [1, -0.5])
        let noise = NoiseModel.lossHessian(labelNoise: 0.7)
        let points: [[Double]] = [[0.3, 0.1], [1.2, -0.9], [-0.4, 0.5], [2.0, 1.0]]
        let weights = [0.1, 0.2, 0.3, 0.4]
        var average = Matrix.zeros(2, 2)
        var mean = [0.0, 0.0]
        for (p, w) in zip(points, weights) {
            average += w * noise.covariance(at: p, loss: loss)
            mean = add(mean, p.map { w * $0 })
        }
        var cov = Matrix.zeros(2, 2)
        for (p, w) in zip(points, weights) {
            let c = subtract(p, mean)
            cov += w * Matrix.outer(c, c)
        }
        // Sums of a handful of O(1) terms: agreement to ~10 ulps.
        #expect(isClose(noise.expectedCovariance(mean: mean, covariance: cov, loss: loss), average, rel: 1e-14))
        #expect(NoiseModel.hessian(scale: 2).expectedCovariance(mean: mean, covariance: cov, loss: loss) == 2 * loss.hessian)
    }
}

@Suite("LangevinSDE against physics.md §9.1–§9.5")
struct LangevinSDETests {
    @Test(arguments: ReferenceSets.all)
    func constantsAndModes(set: ReferenceSet) throws {
        let sde = try set.sde()
        // Printed values carry 6 significant digits: 5e-6 relative covers the rounding.
        let printed = 5e-6
        #expect(isClose(sde.mass, set.mass, rel: printed))
        #expect(isClose(sde.gamma, set.gamma, rel: printed))
        #expect(isClose(sde.regularizedMinimum, set.regularizedMinimum, rel: printed))
        #expect(sde.stationaryPoint == sde.regularizedMinimum + Array(repeating: 0, count: sde.parameterDimension))
        #expect(sde.phaseDimension == 2 * set.loss.dimension)
        #expect(sde.modes.map(\.regime) == set.regimes)
        for (mode, (omega2, bigOmega)) in zip(sde.modes, zip(set.omegaSquared, set.dampedFrequency)) {
            #expect(isClose(mode.omegaSquared, omega2, rel: printed))
            #expect(isClose(mode.omega, omega2.squareRoot(), rel: printed))
            #expect(isClose(mode.dampedFrequency, bigOmega, rel: printed))
            #expect(mode.gamma == sde.gamma)
            // Unit eigenvector of H with eigenvalue `curvature` (round-off of a 2×2 Jacobi rotation).
            let hu = set.loss.hessian * mode.direction
            #expect(isClose(hu, mode.direction.map { $0 * mode.curvature }, rel: 1e-14) || mode.curvature == 0)
            #expect(abs(dot(mode.direction, mode.direction) - 1) < 1e-15)
        }
    }

    /// A, D_vv and x* against scipy's construction (same formulas: agreement to a few ulps).
    @Test(arguments: ReferenceSets.all)
    func driftAndDiffusionAgainstScipy(set: ReferenceSet) throws {
        let sde = try set.sde()
        let ref = try #require(ScipyReference.stationary[set.name])
        #expect(isClose(sde.driftMatrix, ref.a, rel: 1e-15))
        #expect(isClose(try #require(sde.constantVelocityDiffusion), ref.dvv, rel: 1e-15))
        #expect(isClose(sde.stationaryPoint, ref.xStar, rel: 1e-15))
        let full = sde.diffusion(at: sde.regularizedMinimum)
        #expect(full.block(rows: 0..<sde.parameterDimension, cols: 0..<sde.phaseDimension).maxAbs == 0)
        #expect(full.block(rows: sde.parameterDimension..<sde.phaseDimension,
                           cols: sde.parameterDimension..<sde.phaseDimension) == sde.constantVelocityDiffusion)
    }

    @Test func printedMatricesOfP1AndP3() throws {
        let p1 = try ReferenceSets.p1.sde()
        // 6-7 significant digits printed in physics.md §9.1 and §9.3.
        #expect(matchesPrinted(p1.driftMatrix, [[0, -1], [10.526316, 1.052632]], rel: 5e-7))
        #expect(isClose(p1.constantVelocityDiffusion![0, 0], 5.540166, rel: 5e-7))
        let p3 = try ReferenceSets.p3.sde()
        #expect(matchesPrinted(p3.driftMatrix, [[0, 0, -1, 0], [0, 0, 0, -1], [36.315789, 13.674085, 2.105263, 0],
                                                [13.674085, 20.526316, 0, 2.105263]], rel: 5e-7))
        #expect(matchesPrinted(p3.constantVelocityDiffusion!, [[2.250693, 0.899611], [0.899611, 1.211911]], rel: 5e-7))
        // D_vv = 2 C_S Σ/(η(1+β)²), the second form of physics.md §4 (a few roundings apart).
        #expect(isClose(p3.constantVelocityDiffusion!, (2.0 / 8 / (0.05 * 1.9 * 1.9)) * hessianP3, rel: 1e-15))
    }

    @Test func eigenvaluesOfAFromModes() throws {
        // eig(A) = γ ± iΩ when underdamped (P1: 0.526316 ± 3.201454i), γ ∓ Ω when overdamped
        // (P2: 2.928932 and 17.071068). Printed with 7 digits.
        let p1 = try ReferenceSets.p1.sde()
        #expect(isClose(p1.modes[0].dampedFrequency, 3.201454, rel: 5e-7))
        let p2 = try ReferenceSets.p2.sde()
        let rates = p2.modes[0].relaxationRates
        #expect(isClose(rates.slow, 2.928932, rel: 5e-7) && isClose(rates.fast, 17.071068, rel: 5e-7))
        // det A = det(H_λ/m) for this block structure, which pins the product of the rates exactly.
        #expect(isClose(rates.slow * rates.fast, p2.driftMatrix.determinant, rel: 1e-14))
    }

    @Test func temperatures() throws {
        // κ = ησ²/(2S(1−β)): P1 0.5, P3 0.03125; P5 T = 0.015625 (exact binary fractions up to rounding).
        #expect(isClose(try ReferenceSets.p1.sde().temperature!, 0.5, rel: 1e-15))
        #expect(isClose(try ReferenceSets.p3.sde().temperature!, 0.03125, rel: 1e-15))
        #expect(isClose(try ReferenceSets.p5.sde().temperature!, 0.015625, rel: 1e-15))
        #expect(try ReferenceSets.p4.sde().temperature == nil)
    }

    @Test func driftIsMinusAOffset() throws {
        let sde = try ReferenceSets.p3.sde()
        #expect(sde.drift(at: sde.stationaryPoint).allSatisfy { $0 == 0 })
        // dθ/dt = v and m dv/dt = −(1−β)v − ∇L_λ(θ).
        let x = [1.5, 0.2, 0.3, -0.7]
        let f = sde.drift(at: x)
        let grad = sde.loss.regularizedGradient([1.5, 0.2], weightDecay: 0.1)
        #expect(isClose(Array(f[0..<2]), [0.3, -0.7], rel: 1e-15))
        let expected = (0..<2).map { (-(0.1) * x[2 + $0] - grad[$0]) / sde.mass }
        // Two different association orders of the same sums: a few ulps of the largest term.
        #expect(isClose(Array(f[2..<4]), expected, rel: 1e-14))
    }

    @Test func regimesAtTheBoundary() throws {
        // Critical damping: 2η(1+β)(h+λ) = (1−β)² ⇔ h = (1−β)²/(2η(1+β)) = 0.01/0.38 for η = 0.1, β = 0.9.
        let hCritical = 0.01 / 0.38
        func regime(_ h: Double) throws -> DampingRegime {
            try LangevinSDE(hyperparameters: .init(learningRate: 0.1, momentum: 0.9, batchSize: 1),
                            loss: .init(hessian: Matrix([[h]]), minimum: [0]), noise: .hessian(scale: 1)).modes[0].regime
        }
        #expect(try regime(hCritical) == .critical)
        #expect(try regime(hCritical * (1 + 1e-13)) == .critical)
        #expect(try regime(hCritical * (1 + 1e-9)) == .underdamped)
        #expect(try regime(hCritical * (1 - 1e-9)) == .overdamped)
        #expect(try regime(0) == .free)
    }

    @Test func stateDependentNoiseHasNoConstantDiffusion() throws {
        let sde = try LangevinSDE(hyperparameters: ReferenceSets.p3.hyperparameters, loss: ReferenceSets.p3.loss,
                                  noise: .lossHessian(labelNoise: 1))
        #expect(sde.constantVelocityDiffusion == nil && sde.temperature == nil)
        let theta = [0.5, 0.5]
        #expect(sde.velocityDiffusion(at: theta) == sde.diffusionPrefactor * sde.noise.covariance(at: theta, loss: sde.loss))
    }
}
