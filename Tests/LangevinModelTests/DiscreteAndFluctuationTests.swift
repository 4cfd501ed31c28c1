import Foundation
import Testing
@testable import LangevinModel

/// The exact discrete chain (physics.md §3.3, §9.1-§9.3), the fluctuation-dissipation and replica
/// oracles (§9.9) and the anomalous-diffusion mode sums (§9.8). Printed oracles have four to six
/// significant digits and are matched to their last digit; identities that hold exactly, to round-off.
@Suite("Discrete SGD, fluctuation-dissipation, replicas and mode sums")
struct DiscreteAndFluctuationTests {
    @Test("P1: the discrete chain's covariance of (θ_k, (θ_k − θ_{k−1})/η) is [[0.513514, 0.27027], [0.27027, 5.405405]]")
    func discreteP1() throws {
        let c = try DiscreteSGDTheory.stationaryCovariance(try ReferenceSets.p1.sde())
        #expect(matchesPrinted(c, [[0.513514, 0.27027], [0.27027, 5.405405]], rel: 1e-5))
    }

    @Test("Σ ∝ H: every mode's discrete variances are the continuous ones times 1/(1 − η(h+λ)/(2(1+β)))",
          arguments: [ReferenceSets.p1, ReferenceSets.p2, ReferenceSets.p3])
    func discreteFactor(set: ReferenceSet) throws {
        let sde = try set.sde()
        let discrete = try DiscreteSGDTheory.stationaryCovariance(sde)
        let continuous = try GaussianTheory.stationaryCovariance(sde)
        let d = sde.parameterDimension
        for mode in sde.modes {
            let u = mode.direction
            let factor = DiscreteSGDTheory.varianceFactor(curvature: mode.curvature, sde.hyperparameters)
            for block in [0, d] {
                func variance(_ m: Matrix) -> Double {
                    (0..<d).reduce(0) { s, a in s + (0..<d).reduce(0) { $0 + u[a] * m[block + a, block + $1] * u[$1] } }
                }
                #expect(abs(variance(discrete) - factor * variance(continuous)) <= 1e-12 * variance(discrete))
            }
        }
        if set.name == "P2" {
            #expect(isClose(discrete[0, 0] / continuous[0, 0], 1.142857, rel: 1e-6))
        }
        if set.name == "P3" {
            let ratios = (0..<4).map { discrete[$0, $0] / continuous[$0, $0] }
            #expect(zip(ratios, [1.0238, 1.0136, 1.0268, 1.0196]).allSatisfy { abs($0 - $1) <= 5e-5 })
        }
    }

    @Test("T_eff(τ) for P3: 0.0390625 (τ → 0), 0.03876, 0.03149, 0.02123, 0.02615, 0.02600, 0.0260417 (τ → ∞)")
    func effectiveTemperatureP3() throws {
        let sde = try ReferenceSets.p3.sde()
        #expect(isClose(try FluctuationTheory.effectiveTemperature(sde, lag: 0), 0.0390625, rel: 1e-12))
        for (tau, value) in [(0.1, 0.03876), (0.5, 0.03149), (1.0, 0.02123), (2.0, 0.02615), (5.0, 0.02600)] {
            #expect(abs(try FluctuationTheory.effectiveTemperature(sde, lag: tau) - value) <= 5e-6, "τ = \(tau)")
        }
        #expect(isClose(try FluctuationTheory.staticTemperature(sde), 0.0260417, rel: 2e-6))
        #expect(isClose(try FluctuationTheory.effectiveTemperature(sde, lag: 60), 0.0260417, rel: 2e-6))
    }

    @Test("In equilibrium the FDT holds at every lag: T_eff ≡ 0.5 for P1 and 0.015625 for P5")
    func equilibrium() throws {
        for (set, t) in [(ReferenceSets.p1, 0.5), (ReferenceSets.p5, 0.015625)] {
            let sde = try set.sde()
            for tau in [0.0, 0.01, 0.3, 1, 4] {
                #expect(isClose(try FluctuationTheory.effectiveTemperature(sde, lag: tau), t, rel: 1e-9), "\(set) τ = \(tau)")
            }
        }
    }

    @Test("Replica distance 2 tr W_θθ(t) for P1 and P3, and the stationary-start displacement for P1 (§9.9)")
    func replicas() throws {
        let p1 = try ReferenceSets.p1.sde(), p3 = try ReferenceSets.p3.sde()
        for (t, value) in [(0.1, 0.00669), (0.5, 0.3831), (1.0, 0.6441), (2.0, 0.8733), (5.0, 0.9943)] {
            #expect(isClose(FluctuationTheory.replicaDistance(p1, time: t), value, rel: 1e-3), "P1 t = \(t)")
        }
        #expect(isClose(FluctuationTheory.replicaDistance(p1, time: 80), 1, rel: 1e-12))
        #expect(isClose(FluctuationTheory.replicaDistance(p3, time: 0.5), 0.06968, rel: 1e-4))
        #expect(isClose(FluctuationTheory.replicaDistance(p3, time: 80), 0.111607, rel: 1e-5))
        for (t, value) in [(0.1, 0.0504), (0.5, 0.8967), (1.0, 1.5955)] {
            #expect(isClose(try FluctuationTheory.stationaryDisplacement(p1, time: t), value, rel: 1e-3), "t = \(t)")
        }
    }

    static func slopes(eta: Double, beta: Double, lambda: Double, p: Double) -> [Double] {
        let spectrum = DiffusionSpectrum(hyperparameters: Hyperparameters(learningRate: eta, momentum: beta, batchSize: 32, weightDecay: lambda),
                                         curvatures: DiffusionSpectrum.powerLaw(exponent: p, modes: 2000), noiseScale: 1)
        let ks = (0...12).map { pow(10, 1 + 0.5 * Double($0)) }
        return DiffusionSpectrum.localSlopes(steps: ks, values: ks.map { spectrum.continuousDisplacement(steps: $0) })
    }

    @Test("Mode sums reproduce the local slopes of physics.md §9.8 to ±0.01")
    func anomalousDiffusionSlopes() {
        func close(_ a: [Double], _ b: [Double]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 0.01 } }
        let base = Self.slopes(eta: 0.01, beta: 0.9, lambda: 0, p: 2)
        #expect(close(base, [1.24, 0.61, 0.55, 0.52, 0.51, 0.50, 0.50, 0.49, 0.48, 0.46, 0.43, 0.37]), "\(base)")
        let decay = Self.slopes(eta: 0.01, beta: 0.9, lambda: 1e-3, p: 2)
        #expect(close(Array(decay[3..<9]), [0.50, 0.45, 0.34, 0.14, 0.01, 0]), "\(decay)")   // the cut-off near k = 10⁴
        let heavy = Self.slopes(eta: 0.01, beta: 0.99, lambda: 0, p: 2)
        #expect(close(Array(heavy.prefix(7)), [1.55, 0.90, 0.69, 0.56, 0.51, 0.50, 0.48]), "\(heavy)")
        let small = Self.slopes(eta: 0.001, beta: 0.9, lambda: 0, p: 2)
        #expect(close(Array(small.prefix(8)), [1.51, 1.05, 0.70, 0.57, 0.54, 0.52, 0.51, 0.50]), "\(small)")
        let flat = Self.slopes(eta: 0.01, beta: 0.9, lambda: 0, p: 1)
        #expect(close(Array(flat.prefix(7)), [1.45, 1.02, 0.85, 0.77, 0.67, 0.52, 0.29]), "\(flat)")
    }

    @Test("The discrete mode sum saturates at the discrete variances and starts at the discrete local displacement")
    func discreteModeSum() {
        let hp = Hyperparameters(learningRate: 0.05, momentum: 0.9, batchSize: 8, weightDecay: 0.01)
        let spectrum = DiffusionSpectrum(hyperparameters: hp, curvatures: DiffusionSpectrum.powerLaw(exponent: 1.5, modes: 50), noiseScale: 2)
        let saturation = spectrum.curvatures.reduce(0) { $0 + 2 * spectrum.kappa * $1 / ($1 + 0.01) * DiscreteSGDTheory.varianceFactor(curvature: $1, hp) }
        #expect(isClose(spectrum.discreteDisplacement(steps: 20_000_000), saturation, rel: 1e-9))
        #expect(isClose(spectrum.discreteDisplacement(steps: 1), spectrum.discreteLocalDisplacement, rel: 1e-12))
        // The continuous curve lies below the discrete one by about the same factor at every lag.
        let ratio = spectrum.discreteDisplacement(steps: 1000) / spectrum.continuousDisplacement(steps: 1000)
        #expect(ratio > 1 && ratio < DiscreteSGDTheory.varianceFactor(curvature: 1, hp) * 1.01)
        #expect(isClose(spectrum.weightDecayCutoff!, 200, rel: 1e-12))
    }

    @Test("The fitted exponent of a pure power law is its exponent, under every protocol")
    func fittedExponent() {
        let ks = (1...40).map { 250 * Double($0) }
        for fit in ExponentFit.allCases {
            #expect(abs(DiffusionSpectrum.fittedExponent(steps: ks, values: ks.map { 3 * pow($0, 0.37) }, fit: fit) - 0.37) <= 1e-12, "\(fit)")
        }
    }

    /// Each protocol fits its own window of 100 checkpoints (every 250 steps): Fig. 1 indices 47..<100 (21
    /// skipped, then the last two thirds of the other 79), Fig. 7 all, Fig. 8 50..<100. A curve that is the power
    /// law k^c on exactly a window and scrambled before it gives c (to 1e-12) under that window's protocol and not under
    /// the wider ones, so each protocol's window is pinned down, not only its exponent on a pure power law.
    @Test("The three fitting protocols of the paper use the checkpoints their figures use")
    func fittingProtocolsUseTheirWindows() {
        let ks = (1...100).map { 250 * Double($0) }
        #expect(ExponentFit.fig1.window(count: 100) == 47..<100 && ExponentFit.fig7.window(count: 100) == 0..<100
                && ExponentFit.fig8.window(count: 100) == 50..<100)
        #expect(ExponentFit.fig1.window(count: 22) == nil && ExponentFit.fig8.window(count: 3) == 1..<3)
        func curve(exponent c: Double, from start: Int) -> [Double] {
            ks.enumerated().map { i, k in i >= start ? pow(k, c) : pow(k, c) * (1 + 0.5 * sin(Double(7 * i))) }
        }
        let expected: [(ExponentFit, Double, Int)] = [(.fig1, 0.19, 47), (.fig7, 0.37, 0), (.fig8, 0.16, 50)]
        for (fit, c, start) in expected {
            let values = curve(exponent: c, from: start)
            #expect(abs(DiffusionSpectrum.fittedExponent(steps: ks, values: values, fit: fit) - c) <= 1e-12, "\(fit)")
            for wider in ExponentFit.allCases where fit.window(count: 100)!.lowerBound > wider.window(count: 100)!.lowerBound {
                #expect(abs(DiffusionSpectrum.fittedExponent(steps: ks, values: values, fit: wider) - c) > 1e-6, "\(fit) curve under \(wider)")
            }
            // One checkpoint fewer in the window changes the fit: the window starts no later than stated.
            var early = values
            early[start] *= 1.5
            #expect(abs(DiffusionSpectrum.fittedExponent(steps: ks, values: early, fit: fit) - c) > 1e-6, "\(fit) with its first point moved")
        }
    }
}
