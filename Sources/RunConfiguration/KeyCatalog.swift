/// One documented key of a run file.
public struct RunFileKey: Sendable, Equatable {
    public let section: String
    public let name: String
    /// What the value must be, phrased to follow "must be" ("an integer ≥ 1").
    public let expectation: String
    /// One line for --help: meaning, units and default.
    public let help: String

    /// "section.key".
    public var path: String { "\(section).\(name)" }
}

extension RunConfiguration {
    /// Section names in file order.
    public static let sectionNames = ["sgd", "loss", "noise", "initial", "grid", "time", "output"]

    /// Every key of a run file, in file order, with what it must be and what it means.
    public static let keyCatalog: [RunFileKey] = [
        .init(section: "sgd", name: "learning_rate", expectation: "a positive number",
              help: "learning rate η; time is t = η·steps (default 0.1)"),
        .init(section: "sgd", name: "momentum", expectation: "a number in [0, 1)",
              help: "heavy-ball momentum β (default 0.9)"),
        .init(section: "sgd", name: "batch_size", expectation: "an integer ≥ 1",
              help: "batch size S (default 1)"),
        .init(section: "sgd", name: "weight_decay", expectation: "a number ≥ 0",
              help: "weight decay λ, added to the gradient as λθ (default 0)"),
        .init(section: "sgd", name: "dataset_size", expectation: "an integer ≥ 2 and ≥ batch_size",
              help: "samples N when one batch is drawn without replacement (default: absent, sampling with replacement)"),
        .init(section: "loss", name: "hessian",
              expectation: "a square matrix such as [[1.0, 0.5], [0.5, 2.0]] (a single number for d = 1, a list of numbers for a diagonal)",
              help: "Hessian H of L(θ) = ½(θ−μ)ᵀH(θ−μ); its size sets d (default [[1.0]])"),
        .init(section: "loss", name: "minimum", expectation: "a list of d numbers (a single number for d = 1)",
              help: "minimum μ of the loss (default zeros)"),
        .init(section: "noise", name: "model", expectation: "one of \"hessian\", \"matrix\", \"isotropic\", \"loss-hessian\"",
              help: "gradient-noise model: σ²H, an explicit matrix, s·I, or 2L(θ)H + ∇L∇Lᵀ (default \"hessian\")"),
        .init(section: "noise", name: "scale", expectation: "a number ≥ 0",
              help: "σ² for model \"hessian\", s for \"isotropic\" (default 1.0)"),
        .init(section: "noise", name: "matrix",
              expectation: "a d×d matrix such as [[1.0, 0.0], [0.0, 0.2]] (a list of numbers for a diagonal)",
              help: "per-sample gradient covariance Σ for model \"matrix\" (required there)"),
        .init(section: "noise", name: "label_noise", expectation: "a number ≥ 0",
              help: "label-noise variance σ_ε² for model \"loss-hessian\" (default 1.0)"),
        .init(section: "initial", name: "kind", expectation: "one of \"gaussian\", \"mixture\", \"file\"",
              help: "initial density: one Gaussian, a mixture, or the last frame of an earlier output (default \"gaussian\")"),
        .init(section: "initial", name: "mean", expectation: "a list of 2d numbers (θ..., v...)",
              help: "mean of the Gaussian start, uncentred (default θ = μ + 2, v = 0)"),
        .init(section: "initial", name: "covariance",
              expectation: "a 2d×2d matrix or a list of 2d variances (its diagonal)",
              help: "covariance of the Gaussian start, and of mixture components without their own (default diag(0.1…, 1.0…))"),
        .init(section: "initial", name: "weights", expectation: "a list of non-negative numbers with a positive sum, one per component",
              help: "mixture weights (default equal)"),
        .init(section: "initial", name: "means", expectation: "a list of mean vectors, each of 2d numbers",
              help: "mixture component means (required for kind \"mixture\")"),
        .init(section: "initial", name: "covariances",
              expectation: "a list of 2d×2d matrices (or lists of 2d variances), one per component",
              help: "mixture component covariances (default: covariance for every component)"),
        .init(section: "initial", name: "file", expectation: "the path of an earlier sgdfp output file",
              help: "output file whose last frame is the start (required for kind \"file\")"),
        .init(section: "initial", name: "model_change", expectation: "true or false",
              help: "let a continued run evolve the file under other [sgd], [loss] or [noise] values than it was solved with (default false: refused)"),
        .init(section: "grid", name: "points", expectation: "an integer ≥ 2 or a list of 2d such integers",
              help: "grid points per axis, one number for all axes or one per axis (default 128; in the adapted frame, of the output grid: enough to draw the narrowest law of the run, 128 to 1024)"),
        .init(section: "grid", name: "box", expectation: "\"auto\" or a list of 2d positive half-widths",
              help: "half-widths of the periodic box in centred coordinates (default \"auto\": from the covariances)"),
        .init(section: "grid", name: "threads", expectation: "an integer ≥ 1",
              help: "FFTW threads (default 1)"),
        .init(section: "grid", name: "wisdom", expectation: "a path, \"\" for the default cache, or \"none\"",
              help: "FFTW wisdom file (default \"\": the default cache location; \"none\" disables)"),
        .init(section: "grid", name: "frame", expectation: "one of \"fixed\", \"adapted\", \"auto\"",
              help: "\"adapted\": the density lives in the frame of its mean and covariance (the exact ones for `exact`, its own for the Lawson schemes; not for `exact-strang`), and points/box describe the output grid; \"fixed\": on the axis-aligned grid of points/box (default \"auto\": for solve, adapted for the exact propagator from a law or from a file solved in a frame, fixed otherwise; for stationary and validate, adapted for constant noise)"),
        .init(section: "grid", name: "frame_points", expectation: "an even integer from 8 to 1024",
              help: "points per axis of the adapted frame (default 64 for one parameter, 32 for two, more for narrow mixture components; 36 for two in stationary and validate)"),
        .init(section: "grid", name: "frame_box", expectation: "a number from 3 to 40",
              help: "half-width of the adapted frame's box in standard deviations of the law (default 7.5)"),
        .init(section: "time", name: "stop", expectation: "a positive number",
              help: "end time in units of t = η·steps (default 10)"),
        .init(section: "time", name: "output_every", expectation: "a positive number",
              help: "time between output frames (default 0.5)"),
        .init(section: "time", name: "tolerance", expectation: "a positive number",
              help: "error tolerance of adaptive steps (default 1e-8)"),
        .init(section: "time", name: "scheme", expectation: "the name of a time-stepping scheme such as \"lawson-dp54\"",
              help: "time-stepping scheme (default \"auto\": \"exact\" for constant noise, \"exact-strang\" for \"loss-hessian\")"),
        .init(section: "time", name: "step", expectation: "a positive number",
              help: "fixed time step (default: absent, adaptive or the scheme's default)"),
        .init(section: "time", name: "max_steps", expectation: "a positive integer",
              help: "most steps a run may take (default 10000000)"),
        .init(section: "time", name: "max_work", expectation: "a positive number",
              help: "most grid-point updates (sub-steps × points) a run may plan before it starts (default 1e11, of the order of an hour on one core)"),
        .init(section: "output", name: "path", expectation: "a non-empty path",
              help: "HDF5 output file (default \"sgdfp-example.h5\")"),
        .init(section: "output", name: "full_density", expectation: "\"auto\", true or false",
              help: "write the full density in every frame (default \"auto\": by size; 2-D marginals are always written)"),
        .init(section: "output", name: "exact_density", expectation: "\"auto\", true or false",
              help: "write the full exact density beside the full density (default \"auto\": for one parameter only, since in 4-D it doubles the file; the exact marginals and moments are always written)"),
        .init(section: "output", name: "keep_inaccurate", expectation: "true or false",
              help: "keep a solve whose field fails its own checks (relative L¹ distance to the exact law above 1e-2, negative mass above 1e-2, a variance ≤ 0), or a stationary density more than 1e-2 from the exact law, instead of stopping with an error (default false)"),
        .init(section: "output", name: "compression", expectation: "an integer from 0 to 9",
              help: "deflate level (after shuffle) of the fields, 0 for none (default 0: float64 fields shrink by only a fifth to a quarter, at 15 times the writing time)"),
    ]

    /// Section name → its key names, in file order.
    public static let knownKeys: [String: [String]] = Dictionary(
        uniqueKeysWithValues: sectionNames.map { section in
            (section, keyCatalog.filter { $0.section == section }.map(\.name))
        })

    static func catalogEntry(_ section: String, _ name: String) -> RunFileKey? {
        keyCatalog.first { $0.section == section && $0.name == name }
    }

    static func sectionOwning(key name: String) -> String? {
        sectionNames.first { knownKeys[$0]?.contains(name) == true }
    }
}
