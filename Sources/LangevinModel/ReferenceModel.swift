import Foundation

/// The parameter sets of physics.md §9.0 and §9.10, by name, for tests, benchmarks and examples.
public enum ReferenceModel: String, CaseIterable, Sendable {
    case p1, p2, p3, p4, p5, p6, m1

    /// The model; every set is valid, so building it cannot fail.
    public var sde: LangevinSDE {
        let h3 = [[1.625, 0.649519052838329], [0.649519052838329, 0.875]]
        func make(_ eta: Double, _ beta: Double, _ s: Double, _ lambda: Double, _ h: [[Double]], _ mu: [Double],
                  _ noise: NoiseModel) -> LangevinSDE {
            try! LangevinSDE(hyperparameters: Hyperparameters(learningRate: eta, momentum: beta, batchSize: s, weightDecay: lambda),
                             loss: QuadraticLoss(hessian: Matrix(h), minimum: mu), noise: noise)
        }
        switch self {
        case .p1: return make(0.1, 0.9, 1, 0, [[1]], [0], .hessian(scale: 1))
        case .p2: return make(0.1, 0, 2, 0.5, [[2]], [1], .hessian(scale: 1))
        case .p3: return make(0.05, 0.9, 8, 0.1, h3, [1, -0.5], .hessian(scale: 1))
        case .p4: return make(0.05, 0.9, 8, 0.1, h3, [1, -0.5], .matrix(Matrix([[1, 0], [0, 0.2]])))
        case .p5: return make(0.05, 0.9, 8, 0.1, h3, [1, -0.5], .isotropic(scale: 0.5))
        case .p6:
            // R(30°) diag(1, 0) R(30°)ᵀ: flat along u = (−0.5, 0.866).
            let c = cos(Double.pi / 6), s = sin(Double.pi / 6)
            return make(0.05, 0.9, 8, 0.05, [[c * c, c * s], [c * s, s * s]], [0, 0], .hessian(scale: 1))
        case .m1: return make(0.1, 0.9, 4, 0, [[1]], [0], .lossHessian(labelNoise: 1))
        }
    }
}
