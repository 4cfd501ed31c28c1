import Foundation
import Testing
import LangevinModel
import Spectral
@testable import SGDSimulation

/// Simulated heavy-ball SGD against the exact discrete theory (physics.md §3.3). Statistical claims use
/// independent groups of chains: a value agrees when it lies within 4 standard errors (two-sided 99.99 %
/// for a normal estimate), and two values differ when they are more than 4 standard errors apart.
@Suite("SGD simulation")
struct SGDSimulationTests {
    static func stationaryStart(_ sde: LangevinSDE) throws -> Gaussian {
        Gaussian(mean: sde.stationaryPoint, covariance: try DiscreteSGDTheory.stationaryCovariance(sde))
    }

    @Test("Stationary covariance of simulated SGD = exact discrete Lyapunov, ≠ continuous model by 1/(1 − η(h+λ)/(2(1+β)))",
          arguments: [ReferenceModel.p1, .p2, .p3])
    func stationaryCovariance(model: ReferenceModel) throws {
        let sde = model.sde
        let simulation = SGDSimulation(oracle: ModelNoiseGradient(sde), hyperparameters: sde.hyperparameters, initial: try Self.stationaryStart(sde))
        let result = simulation.run(SGDSettings(chains: 2000, steps: 4000, burnIn: 0, seed: 7, groups: 40))
        let discrete = try DiscreteSGDTheory.stationaryCovariance(sde)
        let continuous = try GaussianTheory.stationaryCovariance(sde)
        let n = sde.phaseDimension
        for i in 0..<n {
            let e = result.stationaryCovariance[i * n + i]
            print("\(model) [\(i)]: sim \(e.value) ± \(e.standardError) discrete \(discrete[i, i]) continuous \(continuous[i, i])")
            #expect(abs(e.value - discrete[i, i]) <= 4 * e.standardError, "\(model) entry \(i)")
            #expect(abs(e.value - continuous[i, i]) > 4 * e.standardError, "\(model) entry \(i): the continuous model is off by the finite-η factor")
            #expect(e.standardError < 0.003 * e.value)
        }
        // The off-diagonal Cov(θ, v) of the discrete chain (P1: 0.27027), absent from the SDE.
        if model == .p1 {
            let c = result.stationaryCovariance[1]
            #expect(abs(c.value - 0.27027) <= 4 * c.standardError + 5e-6)
        }
    }

    @Test("Results do not depend on the number of workers, and the same seed repeats them exactly")
    func reproducible() throws {
        let sde = ReferenceModel.p3.sde
        let simulation = SGDSimulation(oracle: ModelNoiseGradient(sde), hyperparameters: sde.hyperparameters, initial: try Self.stationaryStart(sde))
        var settings = SGDSettings(chains: 37, steps: 50, recordSteps: [0, 10, 50], seed: 3, trajectories: 2, workers: 2)
        let a = simulation.run(settings), b = simulation.run(settings)
        #expect(a.means == b.means && a.covariances == b.covariances && a.trajectories == b.trajectories)
        #expect(a.trajectories.count == 2 && a.trajectories[0].count == 3 * 4)
        // One worker: every chain follows the same path; only the order of the sums changes.
        settings.workers = 1
        let c = simulation.run(settings)
        #expect(c.trajectories == a.trajectories)
        for (x, y) in zip(c.means.joined(), a.means.joined()) { #expect(abs(x - y) <= 1e-13 * max(1, abs(y))) }
        settings.seed = 4
        #expect(simulation.run(settings).trajectories != a.trajectories)
    }

    @Test("Transient mean from a point: the discrete recursion ψ_{k+1} = (1+β−ηh)ψ_k − βψ_{k−1} (P1, no noise)")
    func transientMean() throws {
        let hp = Hyperparameters(learningRate: 0.1, momentum: 0.9, batchSize: 1)
        let sde = try LangevinSDE(hyperparameters: hp, loss: QuadraticLoss(hessian: Matrix([[1]]), minimum: [0]), noise: .hessian(scale: 0))
        let simulation = SGDSimulation(oracle: ModelNoiseGradient(sde), hyperparameters: hp, initial: .pointMass(at: [2, 0]))
        let result = simulation.run(SGDSettings(chains: 3, steps: 40, recordSteps: [40]))
        var previous = 2.0, current = 2.0
        for _ in 0..<40 { (previous, current) = (current, (1 + 0.9 - 0.1) * current - 0.9 * previous) }
        #expect(abs(result.means[0][0] - current) <= 1e-13)
        #expect(abs(result.means[0][1] - (current - previous) / 0.1) <= 1e-12)
    }

    @Test("Regression with the Gaussian design: the data's own H and μ, and minibatches without replacement")
    func regression() throws {
        let h = Matrix([[1.5, 0.3], [0.3, 0.6]])
        let data = try RegressionData.gaussianDesign(samples: 4000, hessian: h, teacher: [1, -1], labelNoise: 0.25, seed: 11)
        #expect((data.hessian - h).maxAbs < 0.1)
        let mu = try data.minimum()
        #expect(abs(mu[0] - 1) < 0.05 && abs(mu[1] + 1) < 0.05)
        let hp = Hyperparameters(learningRate: 0.05, momentum: 0.9, batchSize: 8)
        for replacement in [true, false] {
            let oracle = RegressionGradient(data: data, batchSize: 8, withReplacement: replacement, weightDecay: 0)
            let simulation = SGDSimulation(oracle: oracle, hyperparameters: hp, initial: .pointMass(at: mu + [0, 0]))
            let result = simulation.run(SGDSettings(chains: 200, steps: 3000, burnIn: 500, seed: 5))
            // The stationary mean sits at the least-squares minimum.
            for i in 0..<2 { #expect(abs(result.stationaryMean[i].value - mu[i]) <= 5 * result.stationaryMean[i].standardError + 1e-9) }
        }
    }

    @Test("A CSV data set is read back, header or not, and bad files fail with one sentence")
    func csv() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sgdfp-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("data.csv").path
        try "x1,x2,y\n1,0,1.5\n0,1,-2\n1,1,0.25\n".write(toFile: good, atomically: true, encoding: .utf8)
        let data = try RegressionData.load(csv: good)
        #expect(data.count == 3 && data.dimension == 2 && data.features == [1, 0, 0, 1, 1, 1] && data.targets == [1.5, -2, 0.25])
        let bad = dir.appendingPathComponent("bad.csv").path
        try "1,2,3\n4,five,6\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: DataError.notNumeric(path: bad, line: 2)) { try RegressionData.load(csv: bad) }
        #expect(throws: DataError.unreadable(dir.appendingPathComponent("none.csv").path)) {
            try RegressionData.load(csv: dir.appendingPathComponent("none.csv").path)
        }
        // A value whose square overflows is named as too large, not mistaken for dependent features.
        let huge = dir.appendingPathComponent("huge.csv").path
        try "1,2,3\n4,1e300,6\n2,2,1\n0,1,1\n".write(toFile: huge, atomically: true, encoding: .utf8)
        #expect(throws: DataError.tooLarge(1e300)) { try RegressionData.load(csv: huge) }
    }
}

@Suite("Anomalous diffusion of simulated SGD")
struct SimulatedDiffusionTests {
    @Test("200 modes h_i = i⁻²: E‖θ_k − θ_0‖² from a stationary start follows the exact discrete mode sum within 4 standard errors")
    func followsTheModeSum() {
        let hp = Hyperparameters(learningRate: 0.01, momentum: 0.9, batchSize: 32)
        let spectrum = DiffusionSpectrum(hyperparameters: hp, curvatures: DiffusionSpectrum.powerLaw(exponent: 2, modes: 200), noiseScale: 1)
        let oracle = DiagonalModelGradient(hyperparameters: hp, curvatures: spectrum.curvatures, noiseScale: 1)
        let simulation = SGDSimulation(oracle: oracle, hyperparameters: hp, mean: [Double](repeating: 0, count: 400),
                                       modeCovariances: spectrum.discreteStationaryBlocks)
        let steps = [10, 30, 100, 300, 1000, 3000, 10_000]
        let result = simulation.run(SGDSettings(chains: 200, steps: 10_000, recordSteps: [0] + steps, seed: 9, groups: 20))
        for (index, k) in steps.enumerated() {
            let measured = result.displacements[index + 1]
            let exact = spectrum.discreteDisplacement(steps: k)
            print("k \(k): sim \(measured.value) ± \(measured.standardError) exact \(exact) continuous \(spectrum.continuousDisplacement(steps: Double(k)))")
            #expect(abs(measured.value - exact) <= 4 * measured.standardError, "k = \(k)")
            #expect(measured.standardError < 0.05 * exact)
        }
    }
}

@Suite("Translation law of simulated SGD (physics.md §10.3)")
struct TranslationLawTests {
    @Test("P6: noisy SGD keeps u·θ on the exact discrete recursion in every chain, since no noise reaches u")
    func flatDirection() {
        let sde = ReferenceModel.p6.sde
        let u = [-0.5, 3.0.squareRoot() / 2]
        let result = SGDSimulation(oracle: ModelNoiseGradient(sde), hyperparameters: sde.hyperparameters, initial: .pointMass(at: [0.3, 0.4, 0, 0]))
            .run(SGDSettings(chains: 50, steps: 400, recordSteps: [20, 100, 400], seed: 2, trajectories: 50))
        for (r, k) in [20, 100, 400].enumerated() {
            let exact = ModifiedFlow.translationDiscrete(u[0] * 0.3 + u[1] * 0.4, learningRate: 0.05, momentum: 0.9, weightDecay: 0.05, steps: k)
            for trajectory in result.trajectories {
                #expect(abs(u[0] * trajectory[4 * r] + u[1] * trajectory[4 * r + 1] - exact) <= 1e-12, "k = \(k)")
            }
        }
        // The other direction does carry noise.
        #expect(result.covariances[2][0] > 1e-4)
    }
}
