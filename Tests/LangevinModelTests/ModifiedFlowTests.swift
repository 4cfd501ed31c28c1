import Foundation
import Testing
@testable import LangevinModel

/// Paper 2's checks against physics.md §9.7 (printed to 5-6 digits).
@Suite("Modified flow and the translation law (physics.md §9.7, §10)")
struct ModifiedFlowTests {
    @Test("GD rates: log(1−ηh) against the modified flow and plain gradient flow")
    func gradientDescent() {
        let a = ModifiedFlow.gradientDescentRates(learningRate: 0.1, curvature: 1)
        #expect(abs(a.exact + 0.10536) < 5e-6 && abs(a.modified + 0.105) < 1e-12 && abs(a.plain + 0.1) < 1e-15)
        let b = ModifiedFlow.gradientDescentRates(learningRate: 0.1, curvature: 5)
        #expect(abs(b.exact + 0.69315) < 5e-6 && abs(b.modified + 0.625) < 1e-12 && abs(b.plain + 0.5) < 1e-15)
    }

    @Test("Heavy-ball slow root: overdamped −0.0111892 / −0.0111894 / −0.01095; underdamped −0.052680+0.088148i against −0.052632+0.088070i")
    func heavyBall() {
        let over = ModifiedFlow.heavyBallSlowRates(learningRate: 0.001, momentum: 0.9, curvature: 1)
        #expect(abs(over.exact.re + 0.0111892) < 5e-8 && over.exact.im == 0)
        #expect(abs(over.secondOrder.re + 0.0111894) < 5e-8)
        #expect(abs(over.firstOrder + 0.01095) < 5e-6)
        let under = ModifiedFlow.heavyBallSlowRates(learningRate: 0.01, momentum: 0.9, curvature: 1)
        #expect(abs(under.exact.re + 0.052680) < 5e-7 && abs(under.exact.im - 0.088148) < 5e-7)
        #expect(abs(under.secondOrder.re + 0.052632) < 1e-6 && abs(under.secondOrder.im - 0.088070) < 1e-6)   // 0.0880695 prints as 0.088070
        #expect(abs(under.firstOrder + 0.195) < 5e-4)   // the first-order flow is invalid here
    }

    @Test("P6 translation law: ψ(1) = 0.14328515 (ODE), discrete ψ_20 = 0.1414628, and the Gaussian theory's mean agrees with the ODE")
    func translation() throws {
        let u = [-0.5, 3.0.squareRoot() / 2]
        let psi0 = u[0] * 0.3 + u[1] * 0.4
        #expect(abs(ModifiedFlow.translationFlow(psi0, learningRate: 0.05, momentum: 0.9, weightDecay: 0.05, time: 1) - 0.14328515) < 5e-9)
        #expect(abs(ModifiedFlow.translationDiscrete(psi0, learningRate: 0.05, momentum: 0.9, weightDecay: 0.05, steps: 20) - 0.1414628) < 5e-8)
        let sde = ReferenceModel.p6.sde
        for t in [0.5, 1, 5, 20] {
            let mean = GaussianTheory.propagate(.pointMass(at: [0.3, 0.4, 0, 0]), sde, time: t).mean
            let flow = ModifiedFlow.translationFlow(psi0, learningRate: 0.05, momentum: 0.9, weightDecay: 0.05, time: t)
            #expect(abs(u[0] * mean[0] + u[1] * mean[1] - flow) <= 1e-12 * max(1, abs(psi0)))
        }
    }
}
