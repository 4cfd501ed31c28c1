/// The `[sgd]` section: hyperparameters of heavy-ball SGD (physics.md §2).
public struct SGDSection: Sendable, Equatable {
    /// Learning rate η (> 0).
    public var learningRate: Double
    /// Momentum β (0 ≤ β < 1).
    public var momentum: Double
    /// Batch size S (≥ 1).
    public var batchSize: Int
    /// Weight decay λ (≥ 0), added to the gradient as λθ.
    public var weightDecay: Double
    /// Number of samples N when one batch is drawn without replacement; `nil` means sampling with replacement.
    public var datasetSize: Int?

    /// Every argument defaults to the built-in example's value.
    public init(
        learningRate: Double = 0.1, momentum: Double = 0.9, batchSize: Int = 1,
        weightDecay: Double = 0.0, datasetSize: Int? = nil
    ) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.batchSize = batchSize
        self.weightDecay = weightDecay
        self.datasetSize = datasetSize
    }
}

/// The `[loss]` section: the quadratic loss L(θ) = ½(θ−μ)ᵀH(θ−μ).
public struct LossSection: Sendable, Equatable {
    /// Hessian H, d×d, row by row; its number of rows defines the dimension d.
    public var hessian: [[Double]]
    /// Minimum μ, length d.
    public var minimum: [Double]

    /// Defaults to the built-in example's loss; `minimum` defaults to zeros of length d.
    public init(hessian: [[Double]] = [[1.0]], minimum: [Double]? = nil) {
        self.hessian = hessian
        self.minimum = minimum ?? Array(repeating: 0.0, count: hessian.count)
    }
}

/// Which gradient-noise model Σ the run uses (physics.md §4).
public enum NoiseModelKind: String, Sendable, Equatable, CaseIterable {
    /// Σ = σ²H with σ² = `scale` (the paper's model).
    case hessian
    /// Σ = `matrix`, an explicit constant d×d covariance.
    case matrix
    /// Σ = s·I with s = `scale`.
    case isotropic
    /// Σ(θ) = 2L(θ)H + ∇L∇Lᵀ with label noise σ_ε² = `labelNoise` (state dependent, §9.10).
    case lossHessian = "loss-hessian"
}

/// The `[noise]` section: the per-sample gradient covariance Σ.
public struct NoiseSection: Sendable, Equatable {
    public var model: NoiseModelKind
    /// σ² for `.hessian`, s for `.isotropic` (≥ 0); unused by the other models.
    public var scale: Double
    /// The d×d covariance for `.matrix`; required by that model, ignored by the others.
    public var matrix: [[Double]]?
    /// Label-noise variance σ_ε² for `.lossHessian` (≥ 0).
    public var labelNoise: Double

    /// Every argument defaults to the built-in example's value.
    public init(model: NoiseModelKind = .hessian, scale: Double = 1.0, matrix: [[Double]]? = nil, labelNoise: Double = 1.0) {
        self.model = model
        self.scale = scale
        self.matrix = matrix
        self.labelNoise = labelNoise
    }
}

/// How the initial density is given.
public enum InitialKind: String, Sendable, Equatable, CaseIterable {
    /// One Gaussian N(`mean`, `covariance`).
    case gaussian
    /// A weighted sum of Gaussians (`weights`, `means`, `covariances`).
    case mixture
    /// The last frame of an earlier sgdfp output file (`file`).
    case file
}

/// One Gaussian component of the initial density, in uncentred phase-space coordinates (θ..., v...).
public struct GaussianComponent: Sendable, Equatable {
    /// Weight of the component; the weights of `InitialSection.components` sum to 1.
    public var weight: Double
    /// Mean, length 2d.
    public var mean: [Double]
    /// Covariance, 2d×2d.
    public var covariance: [[Double]]

    /// A component with the given weight, mean and covariance.
    public init(weight: Double, mean: [Double], covariance: [[Double]]) {
        self.weight = weight
        self.mean = mean
        self.covariance = covariance
    }
}

/// The `[initial]` section: the density at t = 0, in uncentred coordinates (θ..., v...).
public struct InitialSection: Sendable, Equatable {
    public var kind: InitialKind
    /// Mean of the Gaussian start, length 2d.
    public var mean: [Double]
    /// Covariance of the Gaussian start, 2d×2d. Also the covariance of every mixture component when
    /// `covariances` is absent.
    public var covariance: [[Double]]
    /// Mixture weights (non-negative, positive sum); `nil` means equal weights.
    public var weights: [Double]?
    /// Mixture means, each of length 2d; required for `.mixture`.
    public var means: [[Double]]?
    /// Mixture covariances, each 2d×2d; `nil` means every component uses `covariance`.
    public var covariances: [[[Double]]]?
    /// Path of an earlier output whose last frame is the start; required for `.file`.
    public var file: String?
    /// Whether a continued run may evolve the file under another model ([sgd], [loss], [noise]) than the
    /// file was solved with, on purpose (a learning-rate schedule); refused otherwise.
    public var allowModelChange: Bool

    /// Every argument defaults to the built-in example's (d = 1) value; see `defaults(for:)` for other losses.
    public init(
        kind: InitialKind = .gaussian, mean: [Double] = [2.0, 0.0], covariance: [[Double]] = [[0.1, 0.0], [0.0, 1.0]],
        weights: [Double]? = nil, means: [[Double]]? = nil, covariances: [[[Double]]]? = nil, file: String? = nil,
        allowModelChange: Bool = false
    ) {
        self.allowModelChange = allowModelChange
        self.kind = kind
        self.mean = mean
        self.covariance = covariance
        self.weights = weights
        self.means = means
        self.covariances = covariances
        self.file = file
    }

    /// The default start for a loss: mean (μ + 2, 0) (every θ component 2 above the minimum, v = 0) and
    /// covariance diag(0.1 for each θ, 1.0 for each v). For the built-in d = 1 loss this is N((2, 0), diag(0.1, 1)).
    public static func defaults(for loss: LossSection) -> InitialSection {
        InitialSection(mean: defaultMean(for: loss), covariance: defaultCovariance(dimension: loss.hessian.count))
    }

    static func defaultMean(for loss: LossSection) -> [Double] {
        loss.minimum.map { $0 + 2.0 } + Array(repeating: 0.0, count: loss.minimum.count)
    }

    static func defaultCovariance(dimension d: Int) -> [[Double]] {
        let variances = Array(repeating: 0.1, count: d) + Array(repeating: 1.0, count: d)
        return diagonalMatrix(variances)
    }

    /// The Gaussian components of the start, with weights normalised to sum 1: one component for `.gaussian`,
    /// the mixture for `.mixture` (equal weights and the shared `covariance` where those keys are absent),
    /// and none for `.file`. Call on a validated configuration.
    public var components: [GaussianComponent] {
        switch kind {
        case .gaussian:
            return [GaussianComponent(weight: 1.0, mean: mean, covariance: covariance)]
        case .file:
            return []
        case .mixture:
            let means = self.means ?? []
            let raw = weights ?? Array(repeating: 1.0, count: means.count)
            let total = raw.reduce(0, +)
            return means.indices.map { i in
                GaussianComponent(
                    weight: total > 0 && i < raw.count ? raw[i] / total : 0,
                    mean: means[i],
                    covariance: covariances.flatMap { i < $0.count ? $0[i] : nil } ?? covariance)
            }
        }
    }
}

/// The extent of the periodic box, in centred coordinates x − x*.
public enum BoxSpec: Sendable, Equatable {
    /// Sized by the solver from the initial and stationary covariances.
    case auto
    /// Half-widths per axis (θ..., v...), 2d positive numbers: axis i spans [−w_i, w_i].
    case halfWidths([Double])
}

/// Where FFTW wisdom is kept between runs.
public enum WisdomSetting: Sendable, Equatable {
    /// The default cache location (written as `""`).
    case defaultLocation
    /// No wisdom is read or written (written as `"none"`).
    case disabled
    /// This file.
    case file(String)
}

/// Which grid the solver keeps the density on.
public enum FrameKind: String, Sendable, Equatable, CaseIterable {
    /// The axis-aligned box of `points` and `box`, fixed for the whole run.
    case fixed
    /// A grid in the frame y = L(t)⁻¹(x − m(t)) of the law's exact mean and covariance, which follows the
    /// density; `points` and `box` then describe the axis-aligned grid of the output.
    case adapted
    /// The adapted frame wherever the run can use it (the exact propagator, from a law or from a file solved
    /// in a frame), the fixed one otherwise.
    case auto
}

/// The `[grid]` section: the phase-space grid.
public struct GridSection: Sendable, Equatable {
    /// Points per axis: one entry for every axis, or 2d entries (θ..., v...); nil: `defaultPoints` per axis,
    /// or in the adapted frame the points that draw the narrowest law of the run (at least `defaultPoints`).
    public var points: [Int]?
    public var box: BoxSpec
    /// FFTW threads (≥ 1).
    public var threads: Int
    public var wisdom: WisdomSetting
    public var frame: FrameKind
    /// Points per axis of the adapted frame's grid (even, ≥ 8); `nil`: chosen from the start.
    public var framePoints: Int?
    /// Half-width of the adapted frame's box in frame units (standard deviations of the law, > 0).
    public var frameBox: Double

    /// Every argument defaults to the built-in example's value.
    /// Points per axis when the run file gives none.
    public static let defaultPoints = 128

    public init(points: [Int]? = nil, box: BoxSpec = .auto, threads: Int = 1, wisdom: WisdomSetting = .defaultLocation,
                frame: FrameKind = .auto, framePoints: Int? = nil, frameBox: Double = 7.5) {
        self.points = points
        self.box = box
        self.threads = threads
        self.wisdom = wisdom
        self.frame = frame
        self.framePoints = framePoints
        self.frameBox = frameBox
    }

    /// Points per axis for a phase space of `axes` = 2d axes.
    public func points(axes: Int) -> [Int] {
        let p = points ?? [Self.defaultPoints]
        return p.count == 1 ? Array(repeating: p[0], count: axes) : p
    }
}

/// The `[time]` section: time span and stepping, in continuous time t = η·(step count).
public struct TimeSection: Sendable, Equatable {
    /// End time (> 0).
    public var stop: Double
    /// Interval between output frames (> 0).
    public var outputEvery: Double
    /// Error tolerance of adaptive schemes (> 0).
    public var tolerance: Double
    /// Name of the time-stepping scheme, or "auto" (the solver's choice for the noise model); the solver
    /// checks it against its table.
    public var scheme: String
    /// A fixed step (> 0); `nil` means adaptive steps or the scheme's default.
    public var step: Double?
    /// Most steps a run may take (≥ 1).
    public var maxSteps: Int
    /// Most grid-point updates (sub-steps × grid points) a run may plan before it starts (> 0); 10¹¹ is of
    /// the order of an hour on one core.
    public var maxWork: Double

    /// Every argument defaults to the built-in example's value.
    public init(stop: Double = 10.0, outputEvery: Double = 0.5, tolerance: Double = 1e-8, scheme: String = "auto", step: Double? = nil,
                maxSteps: Int = 10_000_000, maxWork: Double = 1e11) {
        self.maxSteps = maxSteps
        self.maxWork = maxWork
        self.stop = stop
        self.outputEvery = outputEvery
        self.tolerance = tolerance
        self.scheme = scheme
        self.step = step
    }
}

/// A switch with an automatic setting.
public enum Toggle: String, Sendable, Equatable {
    case auto, on, off
}

/// The `[output]` section.
public struct OutputSection: Sendable, Equatable {
    /// Path of the HDF5 output file.
    public var path: String
    /// Whether frames carry the full density (`auto`: the solver decides by size; 2-D marginals are always written).
    public var fullDensity: Toggle
    /// Whether frames carry the full exact density beside the full density (`auto`: for one parameter only;
    /// its marginals and moments are always written).
    public var exactDensity: Toggle
    /// Keep a solve whose density strays from the exact law by more than the solver's own check allows.
    public var keepInaccurate: Bool
    /// Deflate level of the fields (after shuffle), 0 for none.
    public var compression: Int

    /// Every argument defaults to the built-in example's value.
    public init(path: String = "sgdfp-example.h5", fullDensity: Toggle = .auto, exactDensity: Toggle = .auto, keepInaccurate: Bool = false,
                compression: Int = 0) {
        self.path = path
        self.fullDensity = fullDensity
        self.exactDensity = exactDensity
        self.keepInaccurate = keepInaccurate
        self.compression = compression
    }
}

func diagonalMatrix(_ diagonal: [Double]) -> [[Double]] {
    diagonal.indices.map { i in diagonal.indices.map { j in i == j ? diagonal[i] : 0.0 } }
}
