/// One axis of phase space as it appears in a run file: a coordinate variable with its attributes.
public struct PhaseSpaceAxis: Sendable, Equatable {
    /// Variable and dimension name: `theta`, `v` (d = 1) or `theta1`, `theta2`, `v1`, `v2` (d = 2).
    public var name: String
    /// CF `long_name`, e.g. "parameter theta minus regularised minimum".
    public var longName: String
    /// CF `units`; "1" for dimensionless.
    public var units: String
    /// Grid coordinates, increasing.
    public var values: [Double]
    /// What the coordinate is, as a formula (`description`), where the short `long_name` leaves it out.
    public var description: String?

    public init(name: String, longName: String, units: String, values: [Double], description: String? = nil) {
        self.name = name
        self.longName = longName
        self.units = units
        self.values = values
        self.description = description
    }
}

/// What a run file contains. The variable names are fixed (see `RunVariable`) because users and
/// later tools rely on them.
public struct RunOutputLayout: Sendable {
    /// The phase-space axes in order: (theta, v) for d = 1, (theta1, theta2, v1, v2) for d = 2.
    public var axes: [PhaseSpaceAxis]
    /// Write `density(time, axes...)` at every frame.
    public var writeFullDensity: Bool
    /// With four axes, write `density_<a>_<b>(time, a, b)` for the six pairs a < b in axis order. With
    /// two axes the only pair would repeat `density`, so nothing is written.
    public var writeMarginals: Bool
    /// Write the exact solution: `exact_density` (when the full density is written and `writeExactDensity`),
    /// `exact_density_<a>_<b>` (when marginals are written), `exact_mean` and `exact_covariance`.
    public var hasExactSolution: Bool
    /// Write the full `exact_density` beside the full density (in 4-D it doubles the file, while the exact
    /// marginals and moments say what it would).
    public var writeExactDensity: Bool
    /// Write `exact_mean` and `exact_covariance` even without an exact density (e.g. exact moments of
    /// state-dependent noise).
    public var hasExactMoments: Bool
    /// Write `frame_mean` and `frame_factor`, the adapted frame x = frame_mean + frame_factor · y of every frame.
    public var writesFrame: Bool
    /// Write `next_step_size`, the step an adaptive scheme's controller proposes after each frame, from which
    /// a resumed run goes on exactly as the uninterrupted one.
    public var writesNextStep: Bool
    /// Root attributes: title, source, history, configuration, FFTW version ... `Conventions` is always
    /// "CF-1.10" and `hdf5_version` is added by the writer.
    public var rootAttributes: [String: AttributeValue]

    public init(axes: [PhaseSpaceAxis], writeFullDensity: Bool = true, writeMarginals: Bool = true,
                hasExactSolution: Bool = false, writeExactDensity: Bool = true, hasExactMoments: Bool = false, writesFrame: Bool = false,
                writesNextStep: Bool = false, rootAttributes: [String: AttributeValue] = [:]) {
        self.writeExactDensity = writeExactDensity
        self.writesFrame = writesFrame
        self.writesNextStep = writesNextStep
        self.axes = axes
        self.writeFullDensity = writeFullDensity
        self.writeMarginals = writeMarginals
        self.hasExactSolution = hasExactSolution
        self.hasExactMoments = hasExactMoments
        self.rootAttributes = rootAttributes
    }

    /// The phase-space dimension n (number of axes).
    public var phaseDimension: Int { axes.count }

    /// The axis-index pairs (i < j) of the 2-D marginals, in axis order.
    public var marginalPairs: [(Int, Int)] {
        guard axes.count > 2 else { return [] }
        var pairs: [(Int, Int)] = []
        for i in 0..<axes.count { for j in (i + 1)..<axes.count { pairs.append((i, j)) } }
        return pairs
    }

    /// The keys of the marginals written (`"theta1_v2"` ...): empty unless `writeMarginals` and four axes.
    public var marginalKeys: [String] {
        guard writeMarginals else { return [] }
        return marginalPairs.map { "\(axes[$0.0].name)_\(axes[$0.1].name)" }
    }

    /// Whether the full `exact_density` is written.
    public var writesExactFullDensity: Bool { hasExactSolution && writeFullDensity && writeExactDensity }

    /// Whether `exact_mean` and `exact_covariance` are written.
    public var writesExactMoments: Bool { hasExactSolution || hasExactMoments }
}

/// The names of the variables of a run file.
public enum RunVariable {
    /// The record coordinate, the model's time t = η·step. Not `time`: CF readers take a coordinate of that
    /// name for physical time with a calendar, which t is not.
    public static let time = "t"
    /// The record coordinate's name in files of earlier sgdfp versions, which every reader still accepts.
    public static let legacyTime = "time"
    /// The attributes of the record coordinate `t`: a short plot label, and what t is.
    public static let timeAttributes: [String: AttributeValue] = [
        "long_name": .text("time t"), "units": .text("1"), "description": .text("t = learning_rate * step (dimensionless)"),
    ]
    public static let component = "component"
    public static let componentB = "component_b"
    public static let mass = "mass"
    public static let minDensity = "min_density"
    public static let negativeMass = "negative_mass"
    public static let stepSize = "step_size"
    public static let mean = "mean"
    public static let covariance = "covariance"
    public static let density = "density"
    public static let exactDensity = "exact_density"
    public static let exactMean = "exact_mean"
    public static let exactCovariance = "exact_covariance"
    public static let relativeL1Error = "relative_l1_error"
    public static let nextStepSize = "next_step_size"
    public static let frameMean = "frame_mean"
    public static let frameFactor = "frame_factor"
    /// The last frame's state on the adapted frame's grid, over the dimensions `frame_y1` … (`frameCoordinate`).
    public static let frameDensity = "frame_density"
    public static func frameCoordinate(_ axis: Int) -> String { "frame_y\(axis + 1)" }
    /// `density_<key>` for a marginal key such as "theta1_v2".
    public static func marginal(_ key: String) -> String { "density_\(key)" }
    /// `exact_density_<key>` for a marginal key such as "theta1_v2".
    public static func exactMarginal(_ key: String) -> String { "exact_density_\(key)" }
    /// The phase-space coordinates of a file, d = 1 then d = 2, in axis order.
    public static let axisNameSets = [["theta", "v"], ["theta1", "theta2", "v1", "v2"]]
}

extension NetCDFReader {
    /// The phase-space coordinate variables of an sgdfp file in axis order (`RunVariable.axisNameSets`),
    /// or nil when it has neither set.
    public var phaseSpaceAxisNames: [String]? {
        RunVariable.axisNameSets.first { $0.allSatisfy(hasVariable) }
    }

    /// The record coordinate of an sgdfp file (`RunVariable.time`, or `legacyTime` in an older file), or nil.
    public var timeVariable: String? {
        [RunVariable.time, RunVariable.legacyTime].first(where: hasVariable)
    }
}

/// The data of one output time.
public struct RunFrame {
    /// Continuous time t = learning_rate * step.
    public var time: Double
    /// Integral of the density (1 up to round-off).
    public var mass: Double
    /// Smallest grid value of the density (negative values come from spectral ringing).
    public var minDensity: Double
    /// Integral of the negative part of the density.
    public var negativeMass: Double
    /// The solver's current time step.
    public var stepSize: Double
    /// Mean over phase space, length n.
    public var mean: [Double]
    /// Covariance, n*n row-major.
    public var covariance: [Double]
    /// Full density, row-major over the axes (last axis fastest); required when the layout writes it.
    public var density: UnsafeBufferPointer<Double>?
    /// 2-D marginals by key ("theta1_v2"), each row-major (second axis fastest).
    public var marginals: [String: [Double]]
    /// Exact full density, same layout as `density`.
    public var exactDensity: UnsafeBufferPointer<Double>?
    /// Exact 2-D marginals by key.
    public var exactMarginals: [String: [Double]]
    /// Exact mean, length n.
    public var exactMean: [Double]?
    /// Exact covariance, n*n row-major.
    public var exactCovariance: [Double]?
    /// The adapted frame: its mean (uncentred, length n) and factor L (n*n row-major).
    public var frameMean: [Double]?
    /// Relative L¹ distance to the exact density (written when the layout has the exact solution).
    public var l1Error: Double?
    /// The step the controller proposes next (written when the layout writes it).
    public var nextStep: Double?
    public var frameFactor: [Double]?

    public init(time: Double, mass: Double, minDensity: Double, negativeMass: Double, stepSize: Double,
                mean: [Double], covariance: [Double], density: UnsafeBufferPointer<Double>? = nil,
                marginals: [String: [Double]] = [:], exactDensity: UnsafeBufferPointer<Double>? = nil,
                exactMarginals: [String: [Double]] = [:], exactMean: [Double]? = nil, exactCovariance: [Double]? = nil, l1Error: Double? = nil) {
        self.l1Error = l1Error
        self.time = time
        self.mass = mass
        self.minDensity = minDensity
        self.negativeMass = negativeMass
        self.stepSize = stepSize
        self.mean = mean
        self.covariance = covariance
        self.density = density
        self.marginals = marginals
        self.exactDensity = exactDensity
        self.exactMarginals = exactMarginals
        self.exactMean = exactMean
        self.exactCovariance = exactCovariance
    }
}
