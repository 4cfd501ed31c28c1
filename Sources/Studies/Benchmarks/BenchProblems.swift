import Foundation

/// The problems `sgdfp bench` runs: the model and start sections of the run files in notebooks-data/ (a
/// test keeps them identical), so a benchmark row and a `solve` of that file are the same problem.
enum BenchProblems {
    static let kramers = """
        [sgd]
        learning_rate = 1.0
        momentum = 0.6
        batch_size = 1
        weight_decay = 0.0
        [loss]
        hessian = 0.8
        minimum = 0.0
        [noise]
        model = "isotropic"
        scale = 0.064
        [initial]
        kind = "gaussian"
        mean = [1.0, 0.0]
        covariance = [0.05, 0.05]
        """

    static let p1 = """
        [sgd]
        learning_rate = 0.1
        momentum = 0.9
        batch_size = 1
        weight_decay = 0.0
        [loss]
        hessian = [[1.0]]
        minimum = [0.0]
        [noise]
        model = "hessian"
        scale = 1.0
        [initial]
        kind = "gaussian"
        mean = [2.0, 0.0]
        covariance = [0.1, 1.0]
        """

    static let p3 = """
        [sgd]
        learning_rate = 0.05
        momentum = 0.9
        batch_size = 8
        weight_decay = 0.1
        [loss]
        hessian = [[1.625, 0.649519052838329], [0.649519052838329, 0.875]]
        minimum = [1.0, -0.5]
        [noise]
        model = "hessian"
        scale = 1.0
        [initial]
        kind = "gaussian"
        mean = [1.4, 0.0, 0.0, 0.0]
        covariance = [0.02, 0.02, 0.5, 0.3]
        """

    static let p4 = """
        [sgd]
        learning_rate = 0.05
        momentum = 0.9
        batch_size = 8
        weight_decay = 0.1
        [loss]
        hessian = [[1.625, 0.649519052838329], [0.649519052838329, 0.875]]
        minimum = [1.0, -0.5]
        [noise]
        model = "matrix"
        matrix = [[1.0, 0.0], [0.0, 0.2]]
        [initial]
        kind = "gaussian"
        mean = [1.3, -0.1, 0.0, 0.0]
        covariance = [0.01, 0.01, 0.25, 0.15]
        """

    static let m1 = """
        [sgd]
        learning_rate = 0.1
        momentum = 0.9
        batch_size = 4
        weight_decay = 0.0
        [loss]
        hessian = 1.0
        minimum = 0.0
        [noise]
        model = "loss-hessian"
        label_noise = 1.0
        [initial]
        kind = "gaussian"
        mean = [1.0, 0.0]
        covariance = [0.05, 0.5]
        """

    /// Run file in notebooks-data/ of each problem.
    static let runFiles: [String: String] = [
        "kramers-2d.toml": kramers,
        "P1.toml": p1,
        "P3.toml": p3,
        "P4.toml": p4,
        "M1.toml": m1,
    ]
}
