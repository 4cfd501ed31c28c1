import Foundation
import Testing
@testable import LangevinModel

@Suite("Gaussian theory: stationary law, Q and U (physics.md §6, §9.1–§9.5)")
struct GaussianStationaryTests {
    @Test(arguments: ReferenceSets.all)
    func lyapunovAgainstScipy(set: ReferenceSet) throws {
        let sde = try set.sde()
        let p = try GaussianTheory.stationaryCovariance(sde)
        let ref = try #require(ScipyReference.stationary[set.name])
        // Both solve the same well-conditioned linear system; scipy's Bartels–Stewart result carries
        // ~1e-15 relative round-off, so 1e-12 of the largest entry leaves ample margin.
        #expect(isClose(p, try #require(ref.p), rel: 1e-12))
        // The residual of AP + PAᵀ = 2D is at round-off level.
        let residual = sde.driftMatrix * p + p * sde.driftMatrix.transposed - 2 * sde.diffusion(at: sde.regularizedMinimum)
        #expect(residual.maxAbs <= 1e-13 * sde.driftMatrix.maxAbs * p.maxAbs)
        #expect(p == p.transposed)
        let q = GaussianTheory.circulation(sde, covariance: p)
        // Q = AP − D is antisymmetric because of the Lyapunov equation: round-off of AP.
        #expect((q + q.transposed).maxAbs <= 1e-13 * q.maxAbs)
        #expect(isClose(q, try #require(ref.q), rel: 1e-12))
        // Q_θθ = −P_vθ and Q_θv = −P_vv for any Σ (physics.md §6.5).
        let d = sde.parameterDimension
        #expect(isClose(q.block(rows: 0..<d, cols: 0..<d), -p.block(rows: d..<2 * d, cols: 0..<d), rel: 1e-13))
        #expect(isClose(q.block(rows: 0..<d, cols: d..<2 * d), -p.block(rows: d..<2 * d, cols: d..<2 * d), rel: 1e-13))
        if let u = ref.u {
            // U = P⁻¹ with cond(P) ≤ ~1e3 here: 1e-12 relative.
            #expect(isClose(try p.inverse(), u, rel: 1e-12))
        }
    }

    /// §6.2: for Σ = σ²H, P_θθ = κH_λ⁻¹H, P_vv = σ²H/(S(1−β²)), P_θv = 0, Q = (σ²/(S(1−β²)))[[0, −H], [H, 0]].
    @Test(arguments: ReferenceSets.all.filter { $0.hessianScale != nil })
    func closedFormForHessianNoise(set: ReferenceSet) throws {
        let sde = try set.sde()
        let hp = set.hyperparameters
        let s2 = try #require(set.hessianScale)
        let h = set.loss.hessian
        let d = h.rows
        let kappa = hp.learningRate * s2 / (2 * hp.batchSize * (1 - hp.momentum))
        let c = s2 / (hp.batchSize * (1 - hp.momentum * hp.momentum))
        let pThTh = kappa * (try sde.regularizedHessian.inverse()) * h
        let closed = Matrix.block([[pThTh, .zeros(d, d)], [.zeros(d, d), c * h]])
        let p = try GaussianTheory.stationaryCovariance(sde)
        // Closed form and Kronecker solve differ only by round-off (physics.md: ~2e-15 in scipy).
        #expect(isClose(p, closed, rel: 1e-12))
        #expect(p.block(rows: 0..<d, cols: d..<2 * d).maxAbs <= 1e-12 * p.maxAbs)
        let q = GaussianTheory.circulation(sde, covariance: p)
        #expect(isClose(q, c * Matrix.block([[.zeros(d, d), -h], [h, .zeros(d, d)]]), rel: 1e-12))
        #expect(isClose(try #require(sde.temperature), kappa, rel: 1e-15))
    }

    /// The modal closed form agrees with the general Kronecker solve of the same Lyapunov equation.
    @Test(arguments: ReferenceSets.regular)
    func closedFormEqualsKroneckerSolve(set: ReferenceSet) throws {
        let sde = try set.sde()
        // Independent algorithms on well-conditioned sets: round-off only, block by block.
        #expect(blocksClose(try GaussianTheory.stationaryCovariance(sde),
                            try GaussianTheory.stationaryCovarianceByKronecker(sde), rel: 1e-12))
    }

    /// Realistic stiff settings (η down to 1e-5, curvatures spanning 10⁵): every block of P and W keeps
    /// its own relative accuracy against closed forms built from the exact eigen-decomposition.
    @Test(arguments: [(1e-4, 0.9, [1e-3, 50.0], 1e-4), (1e-5, 0.999, [0.02, 300.0], 0.0), (0.1, 0.0, [1e-3, 19.0], 0.0)])
    func stiffSettings(eta: Double, beta: Double, h: [Double], lambda: Double) throws {
        let r = rotation(20)
        let sde = try LangevinSDE(
            hyperparameters: .init(learningRate: eta, momentum: beta, batchSize: 32, weightDecay: lambda),
            loss: .init(hessian: (r * Matrix.diagonal(h) * r.transposed).symmetrized, minimum: [1, 2]),
            noise: .hessian(scale: 1))
        let kappa = eta / (2 * 32 * (1 - beta))
        let c = 1 / (32 * (1 - beta * beta))
        let closed = Matrix.block([
            [kappa * r * Matrix.diagonal(h.map { $0 / ($0 + lambda) }) * r.transposed, .zeros(2, 2)],
            [.zeros(2, 2), c * r * Matrix.diagonal(h) * r.transposed]])
        // H is given in floating point, which fixes its small eigenvalue only to ε‖H‖ absolute, i.e. to
        // ε‖H‖/h_min ≈ 1e-11 relative here; that is the accuracy any method can reach in the θθ block.
        // (The plain Kronecker solve misses by 6e-8 in the first setting.)
        #expect(blocksClose(try GaussianTheory.stationaryCovariance(sde), closed, rel: 1e-10))
        #expect(blocksClose(try MomentClosure.stationary(sde).covariance, closed, rel: 1e-10))
        for t in [1e-3, 1, 100, 1e4] {
            let e = GaussianTheory.propagator(sde, time: t)
            let w = GaussianTheory.noiseIntegral(sde, time: t)
            // Scaling and squaring perturbs the slow-mode exponent by ~ε‖A‖t: up to ~1e-10 relative at t = 1e4.
            #expect(blocksClose(w, closed - e * closed * e.transposed, rel: 1e-9))
        }
        let start = narrowStart([1, 1, 0, 0])
        for t in [1.0, 1e4] {
            // Augmented-exponential closure against Van Loan doubling; same ε‖A‖t bound as above.
            #expect(blocksClose(MomentClosure.propagate(start, sde, time: t).covariance,
                                GaussianTheory.propagate(start, sde, time: t).covariance, rel: 1e-9))
        }
    }

    @Test func printedValuesP1P2() throws {
        // physics.md prints 6-7 significant digits: 5e-6 relative.
        let printed = 5e-6
        let p1 = try GaussianTheory.stationaryCovariance(try ReferenceSets.p1.sde())
        #expect(matchesPrinted(p1, [[0.5, 0], [0, 5.263158]], rel: printed))
        #expect(matchesPrinted(try p1.inverse(), [[2.0, 0], [0, 0.19]], rel: printed))
        #expect(matchesPrinted(GaussianTheory.circulation(try ReferenceSets.p1.sde(), covariance: p1),
                               [[0, -5.263158], [5.263158, 0]], rel: printed, zero: 1e-14))
        let p2sde = try ReferenceSets.p2.sde()
        let p2 = try GaussianTheory.stationaryCovariance(p2sde)
        #expect(matchesPrinted(p2, [[0.02, 0], [0, 1.0]], rel: printed))
        #expect(matchesPrinted(try p2.inverse(), [[50, 0], [0, 1]], rel: printed, zero: 1e-12))
        #expect(matchesPrinted(GaussianTheory.circulation(p2sde, covariance: p2), [[0, -1], [1, 0]], rel: printed, zero: 1e-13))
        // κU_θθ = H_λH⁻¹ = 1 + λ/h = 1.25 (closed form).
        #expect(isClose(try p2sde.temperature! * p2.inverse()[0, 0], 1.25, rel: 1e-12))
    }

    @Test func printedValuesP3() throws {
        let printed = 5e-6
        let sde = try ReferenceSets.p3.sde()
        let p = try GaussianTheory.stationaryCovariance(sde)
        #expect(matchesPrinted(p.block(rows: 0..<2, cols: 0..<2), [[0.02883185, 0.00161091], [0.00161091, 0.02697173]], rel: printed))
        #expect(matchesPrinted(p.block(rows: 2..<4, cols: 2..<4), [[1.069079, 0.4273152], [0.4273152, 0.5756579]], rel: printed))
        let u = try p.inverse()
        #expect(matchesPrinted(u.block(rows: 0..<2, cols: 0..<2), [[34.8, -2.078461], [-2.078461, 37.2]], rel: printed))
        #expect(matchesPrinted(u.block(rows: 2..<4, cols: 2..<4), [[1.33, -0.987269], [-0.987269, 2.47]], rel: printed))
        // κU_θθ = H_λH⁻¹ (closed form, eigenvalues 1.05 and 1.2).
        let kappaU = 0.03125 * u.block(rows: 0..<2, cols: 0..<2)
        #expect(isClose(kappaU, sde.regularizedHessian * (try hessianP3.inverse()), rel: 1e-12))
        #expect(isClose(kappaU.symmetricEigen().values, [1.05, 1.2], rel: 1e-12))
        #expect(matchesPrinted(kappaU, [[1.0875, -0.064952], [-0.064952, 1.1625]], rel: printed))
        // tr P_θθ = 0.0558036, E|v|² = 1.64474, T_kin = m tr P_vv/d = 0.0390625, T_static = 0.0260417.
        #expect(isClose(p.block(rows: 0..<2, cols: 0..<2).trace, 0.0558036, rel: printed))
        #expect(isClose(p.block(rows: 2..<4, cols: 2..<4).trace, 1.64474, rel: printed))
        #expect(isClose(sde.mass * p.block(rows: 2..<4, cols: 2..<4).trace / 2, 0.0390625, rel: 1e-12))
        let tStatic = p.block(rows: 0..<2, cols: 0..<2).trace / (try sde.regularizedHessian.inverse()).trace
        #expect(isClose(tStatic, 0.0260417, rel: printed))
    }

    @Test func printedValuesP4() throws {
        let printed = 5e-6
        let sde = try ReferenceSets.p4.sde()
        let p = try GaussianTheory.stationaryCovariance(sde)
        #expect(matchesPrinted(p, [[0.01646791, -0.00521199, 0, -0.02018707],
                                   [-0.00521199, 0.01627019, 0.02018707, 0],
                                   [0, 0.02018707, 0.5267759, 0.07570152],
                                   [-0.02018707, 0, 0.07570152, 0.2626978]], rel: printed, zero: 1e-15))
        let q = GaussianTheory.circulation(sde, covariance: p)
        #expect(matchesPrinted(q.block(rows: 0..<2, cols: 0..<2), [[0, -0.02018707], [0.02018707, 0]], rel: printed, zero: 1e-15))
        #expect(matchesPrinted(q.block(rows: 2..<4, cols: 2..<4), [[0, -0.5737378], [0.5737378, 0]], rel: printed, zero: 1e-14))
        // P_θv is antisymmetric and nonzero; its diagonal vanishes for any Σ.
        let pThV = p.block(rows: 0..<2, cols: 2..<4)
        #expect((pThV + pThV.transposed).maxAbs <= 1e-14 && pThV.maxAbs > 0.02)
        let marginal = try p.block(rows: 0..<2, cols: 0..<2).inverse()
        #expect(matchesPrinted(marginal, [[67.5753, 21.6471], [21.6471, 68.3965]], rel: printed))
        #expect(matchesPrinted(try p.inverse().block(rows: 0..<2, cols: 0..<2), [[77.3240, 27.2256], [27.2256, 74.2559]], rel: printed))
        // T_kin = 0.01875 (closed form m tr D_vv/(2(1−β)/m)/d), T_static = 0.0152778.
        #expect(isClose(sde.mass * p.block(rows: 2..<4, cols: 2..<4).trace / 2, 0.01875, rel: 1e-12))
        #expect(isClose(p.block(rows: 0..<2, cols: 0..<2).trace / (try sde.regularizedHessian.inverse()).trace, 0.0152778, rel: printed))
    }

    /// §6.3/§9.5: isotropic noise gives the Gibbs law of L_λ: U_θθ = H_λ/T, U_vv = (m/T)I.
    @Test func gibbsForIsotropicNoise() throws {
        let sde = try ReferenceSets.p5.sde()
        let t = try #require(sde.temperature)
        #expect(isClose(t, 0.015625, rel: 1e-15))
        let p = try GaussianTheory.stationaryCovariance(sde)
        let u = try p.inverse()
        // Closed forms: round-off of the Kronecker solve and the inverse.
        #expect(isClose(u.block(rows: 0..<2, cols: 0..<2), (1 / t) * sde.regularizedHessian, rel: 1e-12))
        #expect(isClose(u.block(rows: 2..<4, cols: 2..<4), (sde.mass / t) * Matrix.identity(2), rel: 1e-12))
        #expect(u.block(rows: 0..<2, cols: 2..<4).maxAbs <= 1e-12 * u.maxAbs)
        #expect(matchesPrinted(u.block(rows: 0..<2, cols: 0..<2), [[110.4, 41.5692], [41.5692, 62.4]], rel: 5e-6))
        #expect(isClose(u[2, 2], 3.04, rel: 1e-12))
    }

    @Test func noStationaryGaussianIsReported() throws {
        let flat = try LangevinSDE(
            hyperparameters: .init(learningRate: 0.05, momentum: 0.9, batchSize: 8, weightDecay: 0),
            loss: .init(hessian: hessianP6, minimum: [0, 0]), noise: .hessian(scale: 1))
        #expect(flat.hasFreeMode && flat.modes[0].regime == .free)
        #expect(flat.modes[0].curvature == 0)
        do {
            _ = try GaussianTheory.stationaryCovariance(flat)
            Issue.record("expected noStationaryDistribution")
        } catch {
            guard case .noStationaryDistribution(let u) = error else { Issue.record("wrong error \(error)"); return }
            // u = (−sin 30°, cos 30°) = (−0.5, 0.866025), the null vector of H.
            #expect(isClose(u, [-0.5, (3.0).squareRoot() / 2], rel: 1e-15))
            #expect(error.description.contains("[sgd] weight_decay"))
        }
        let lossHessian = try LangevinSDE(hyperparameters: ReferenceSets.p3.hyperparameters, loss: ReferenceSets.p3.loss,
                                          noise: .lossHessian(labelNoise: 1))
        #expect(throws: ModelError.stateDependentNoise(model: "loss-hessian")) {
            try GaussianTheory.stationaryCovariance(lossHessian)
        }
    }
}

@Suite("Gaussian theory: transients (physics.md §7, §9.6, §9.7, §9.9)")
struct GaussianTransientTests {
    @Test(arguments: ScipyReference.transient.indices)
    func transientAgainstScipy(index: Int) throws {
        let ref = ScipyReference.transient[index]
        let set = try #require(ReferenceSets.all.first { $0.name == ref.set })
        let g = GaussianTheory.propagate(narrowStart(ref.x0), try set.sde(), time: ref.t)
        // scipy's expm and Van Loan W versus ours: both ~1e-14; 1e-12 of the largest entry.
        #expect(isClose(g.mean, ref.mean, rel: 1e-12))
        #expect(isClose(g.covariance, ref.cov, rel: 1e-12))
    }

    @Test func printedTransientP1() throws {
        let sde = try ReferenceSets.p1.sde()
        let rows: [(t: Double, mean: [Double], var: [Double])] = [
            (0.5, [0.206604, -5.052154], [0.191734, 1.971307]),
            (1, [-1.19106, 0.232418], [0.322918, 3.46282]),
            (2, [0.706746, -0.274123], [0.436984, 4.646872]),
            (5, [-0.144507, 0.139538], [0.497172, 5.23832]),
        ]
        for row in rows {
            let g = GaussianTheory.propagate(narrowStart([2, 0]), sde, time: row.t)
            // Six printed significant digits.
            for i in 0..<2 {
                #expect(isClose(g.mean[i], row.mean[i], rel: 5e-6))
                #expect(isClose(g.covariance[i, i], row.var[i], rel: 5e-6))
            }
            if row.t == 0.5 { #expect(isClose(g.covariance[0, 1], 0.318311, rel: 5e-6)) }
            // Printed with three digits only.
            if row.t == 1 { #expect(isClose(g.covariance[0, 1], 5.18e-4, rel: 1e-3)) }
        }
        // The authors' closed form for one underdamped mode (§7): a(t) = e^{−γt}[a₀cos Ωt + γa₀/Ω sin Ωt].
        let mode = sde.modes[0]
        for t in [0.5, 1, 2, 5] {
            let g = GaussianTheory.propagate(.pointMass(at: [2, 0]), sde, time: t)
            let a = exp(-mode.gamma * t) * 2 * (cos(mode.dampedFrequency * t) + mode.gamma / mode.dampedFrequency * sin(mode.dampedFrequency * t))
            let b = -exp(-mode.gamma * t) * 2 * mode.omegaSquared / mode.dampedFrequency * sin(mode.dampedFrequency * t)
            // Closed form versus matrix exponential: round-off relative to the initial amplitude 2 and |v| ~ 6.
            #expect(abs(g.mean[0] - a) <= 1e-13 && abs(g.mean[1] - b) <= 1e-12)
        }
    }

    @Test func printedTransientP3P4() throws {
        let p3 = try ReferenceSets.p3.sde()
        let p4 = try ReferenceSets.p4.sde()
        let x0 = [2.0, 1, 0, 0]
        let g1 = GaussianTheory.propagate(narrowStart(x0), p3, time: 1)
        let g5 = GaussianTheory.propagate(narrowStart(x0), p3, time: 5)
        // Six printed significant digits (the smallest entries printed with 5: −0.01808).
        #expect(zip(g1.mean, [1.514155, -0.294821, -1.03677, -0.356976]).allSatisfy { isClose($0, $1, rel: 5e-6) })
        #expect(zip(g1.covariance.diagonalElements, [0.025262, 0.023547, 0.951183, 0.513676]).allSatisfy { isClose($0, $1, rel: 2e-5) })
        #expect(zip(g5.mean, [0.900186, -0.380365, -0.054969, -0.01808]).allSatisfy { isClose($0, $1, rel: 3e-5) })
        #expect(zip(g5.covariance.diagonalElements, [0.028831, 0.026971, 1.069053, 0.575644]).allSatisfy { isClose($0, $1, rel: 2e-5) })
        let h1 = GaussianTheory.propagate(narrowStart(x0), p4, time: 1)
        #expect(h1.mean == g1.mean)
        #expect(zip(h1.covariance.diagonalElements, [0.015247, 0.013604, 0.482177, 0.222633]).allSatisfy { isClose($0, $1, rel: 4e-5) })
        #expect(isClose(h1.covariance[0, 1], -0.004854, rel: 1e-4))
    }

    /// W(t) = P − e^{−At}Pe^{−Aᵀt} when A is Hurwitz (physics.md §7), also for the stiff P2 at long times
    /// where a single Van Loan exponential would lose every digit.
    @Test(arguments: ReferenceSets.regular)
    func noiseIntegralMatchesStationaryIdentity(set: ReferenceSet) throws {
        let sde = try set.sde()
        let p = try GaussianTheory.stationaryCovariance(sde)
        #expect(GaussianTheory.noiseIntegral(sde, time: 0) == .zeros(sde.phaseDimension, sde.phaseDimension))
        for t in [0.01, 0.3, 2, 10, 50] {
            let e = GaussianTheory.propagator(sde, time: t)
            let identity = p - e * p * e.transposed
            // Two exact formulas evaluated with different round-off: 1e-12 of the largest entry.
            #expect(isClose(GaussianTheory.noiseIntegral(sde, time: t), identity, rel: 1e-12))
        }
        // Long times reach the stationary law (e^{−γt} < 1e-20 here).
        let far = GaussianTheory.propagate(narrowStart(sde.stationaryPoint.map { $0 + 1 }), sde, time: 60)
        #expect(isClose(far.covariance, p, rel: 1e-12))
        #expect(isClose(far.mean, sde.stationaryPoint, rel: 1e-12) || zip(far.mean, sde.stationaryPoint).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    /// Replica distance D_rep = 2 tr W_θθ (physics.md §9.9, printed with 4-6 digits).
    @Test func replicaDistance() throws {
        let p1 = try ReferenceSets.p1.sde()
        for (t, value) in [(0.1, 0.00669019), (0.5, 0.383128), (1, 0.644061), (2, 0.873343), (5, 0.994317)] {
            let w = GaussianTheory.noiseIntegral(p1, time: t)
            #expect(isClose(2 * w.block(rows: 0..<1, cols: 0..<1).trace, value, rel: 5e-6))
        }
        let p3 = try ReferenceSets.p3.sde()
        let w = GaussianTheory.noiseIntegral(p3, time: 0.5)
        #expect(isClose(2 * w.block(rows: 0..<2, cols: 0..<2).trace, 0.0696771, rel: 5e-6))
    }

    /// P6 (§9.7, §10.4): ψ = u·θ follows ψ̈ + 2γψ̇ + (λ/m)ψ = 0 and gets no diffusion.
    @Test func flatDirectionP6() throws {
        let sde = try ReferenceSets.p6.sde()
        let mode = sde.modes[0]
        #expect(mode.curvature == 0 && mode.regime == .overdamped)
        let u = mode.direction
        #expect(isClose(u, [-0.5, (3.0).squareRoot() / 2], rel: 1e-15))
        let x0 = [0.3, 0.4, 0, 0]
        let psi0 = dot(u, [0.3, 0.4])
        // Overdamped oscillator: y(0) = 1, y'(0) = 0 and Green's function G(0) = 0, G'(0) = 1 (damped_osc()).
        let w = mode.dampedFrequency
        let (r1, r2) = (-mode.gamma + w, -mode.gamma - w)
        func y(_ t: Double) -> Double { 0.5 * (1 + mode.gamma / w) * exp(r1 * t) + 0.5 * (1 - mode.gamma / w) * exp(r2 * t) }
        func green(_ t: Double) -> Double { (exp(r1 * t) - exp(r2 * t)) / (2 * w) }
        for t in [1.0, 5, 20] {
            let delta = GaussianTheory.propagate(.pointMass(at: x0), sde, time: t)
            let psi = dot(u, Array(delta.mean[0..<2]))
            // Oscillator formula and matrix exponential agree to round-off of ψ₀ ≈ 0.2.
            #expect(abs(psi - psi0 * y(t)) <= 1e-15 + 1e-13 * abs(psi0))
            // No noise reaches u: Var(u·θ) is zero up to round-off of the O(0.02) covariance entries.
            let thetaCov = delta.covariance.block(rows: 0..<2, cols: 0..<2)
            #expect(abs(dot(u, thetaCov * u)) <= 1e-15)
            // With an initial spread, Var(u·θ) is that spread transported by the 2×2 propagator [[y, G], …].
            let spread = GaussianTheory.propagate(narrowStart(x0), sde, time: t)
            let varU = dot(u, spread.covariance.block(rows: 0..<2, cols: 0..<2) * u)
            // Var(u·θ) is a cancellation of O(1e-3) covariance entries: absolute round-off 1e-12 of the spread.
            #expect(abs(varU - 0.0025 * (y(t) * y(t) + green(t) * green(t))) <= 1e-12 * 0.0025)
        }
        // §9.7 prints ψ(1) = 0.14328515 (8 digits) and ψ(5) = 0.00848472278.
        let at1 = GaussianTheory.propagate(.pointMass(at: x0), sde, time: 1)
        #expect(isClose(dot(u, Array(at1.mean[0..<2])), 0.14328515, rel: 5e-8))
        let at5 = GaussianTheory.propagate(.pointMass(at: x0), sde, time: 5)
        #expect(isClose(dot(u, Array(at5.mean[0..<2])), 0.00848472278, rel: 5e-9))
        // The stationary covariance is singular along u (deterministic relaxation to μ_λ).
        let p = try GaussianTheory.stationaryCovariance(sde)
        // Round-off of the Kronecker solve relative to the largest entry (0.022).
        #expect(abs(dot(u, p.block(rows: 0..<2, cols: 0..<2) * u)) <= 1e-13 * p.maxAbs)
    }

    /// P6 without weight decay: A is not Hurwitz, u·θ stays where the transport leaves it and its variance
    /// stays at its initial value when the initial spread is in θ only.
    @Test func flatDirectionWithoutWeightDecay() throws {
        let sde = try LangevinSDE(
            hyperparameters: .init(learningRate: 0.05, momentum: 0.9, batchSize: 8, weightDecay: 0),
            loss: ReferenceSets.p6.loss, noise: .hessian(scale: 1))
        let u = sde.modes[0].direction
        let x0 = [0.3, 0.4, 0, 0]
        let start = Gaussian(mean: x0, covariance: Matrix.diagonal([0.0025, 0.0025, 0, 0]))
        for t in [0.5, 3, 30] {
            let g = GaussianTheory.propagate(start, sde, time: t)
            // No force, no noise and no initial velocity along u: ψ and Var ψ are frozen (round-off only).
            #expect(abs(dot(u, Array(g.mean[0..<2])) - dot(u, [0.3, 0.4])) <= 1e-14)
            #expect(abs(dot(u, g.covariance.block(rows: 0..<2, cols: 0..<2) * u) - 0.0025) <= 1e-15)
        }
        // With an initial velocity, ψ(t) = ψ₀ + ψ̇₀(1 − e^{−2γt})/(2γ) exactly.
        let moving = GaussianTheory.propagate(.pointMass(at: [0.3, 0.4, u[0], u[1]]), sde, time: 2)
        let expected = dot(u, [0.3, 0.4]) + (1 - exp(-2 * sde.gamma * 2)) / (2 * sde.gamma)
        #expect(abs(dot(u, Array(moving.mean[0..<2])) - expected) <= 1e-14)
    }
}
