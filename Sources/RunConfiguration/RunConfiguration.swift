/// Everything a run file says: SGD hyperparameters, loss, noise, initial density, grid, time span and output.
///
/// Every key has a default, and the defaults together are the built-in example (parameter set P1 of
/// physics.md §9.0). Values are plain data: `parse`/`load` check syntax, key names and types; `validated()`
/// checks shapes and ranges against the dimension d, which is the number of rows of the Hessian.
/// Physics (stability, positive semi-definiteness of H and Σ) is checked by the model, not here.
public struct RunConfiguration: Sendable, Equatable {
    public var sgd: SGDSection
    public var loss: LossSection
    public var noise: NoiseSection
    public var initial: InitialSection
    public var grid: GridSection
    public var time: TimeSection
    public var output: OutputSection

    /// Every section defaults to the built-in example's; the initial density defaults to
    /// `InitialSection.defaults(for: loss)`, which adapts to the loss's dimension and minimum.
    public init(
        sgd: SGDSection = SGDSection(), loss: LossSection = LossSection(), noise: NoiseSection = NoiseSection(),
        initial: InitialSection? = nil, grid: GridSection = GridSection(), time: TimeSection = TimeSection(),
        output: OutputSection = OutputSection()
    ) {
        self.sgd = sgd
        self.loss = loss
        self.noise = noise
        self.initial = initial ?? InitialSection.defaults(for: loss)
        self.grid = grid
        self.time = time
        self.output = output
    }

    /// The configuration with every key at its default: P1 of physics.md (d = 1, H = 1, μ = 0, η = 0.1,
    /// β = 0.9, S = 1, Σ = H), started from N((2, 0), diag(0.1, 1)).
    public static let builtInExample = RunConfiguration()

    /// The parameter dimension d (rows of the Hessian).
    public var parameterDimension: Int { loss.hessian.count }

    /// The phase-space dimension 2d.
    public var phaseDimension: Int { 2 * parameterDimension }

    /// Parameter dimensions the solver supports (phase spaces of 2 and 4 axes).
    public static let supportedParameterDimensions: ClosedRange<Int> = 1...2

    /// Changes the loss and carries along initial-density entries that are still at their defaults, so that
    /// a new Hessian or minimum does not leave a default mean or covariance of the wrong size behind.
    mutating func replaceLoss(with newLoss: LossSection) {
        let old = loss
        loss = newLoss
        guard old != newLoss else { return }
        if initial.mean == InitialSection.defaultMean(for: old) {
            initial.mean = InitialSection.defaultMean(for: newLoss)
        }
        if initial.covariance == InitialSection.defaultCovariance(dimension: old.hessian.count) {
            initial.covariance = InitialSection.defaultCovariance(dimension: newLoss.hessian.count)
        }
    }
}
