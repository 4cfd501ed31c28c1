import ArgumentParser
import Studies

struct ModifiedFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modified-flow",
        abstract: "Paper 2's checks: per-step rates of the discrete iteration against the modified flows, and the translation law of flat directions for the exact recursion, the modified-flow ODE and simulated SGD.",
        discussion: """
            For every Hessian mode (curvature h + λ) the table gives the per-step log rate of the noise-free \
            iteration: for gradient descent (β = 0) log(1 − η(h+λ)) against the modified gradient flow \
            −η(h+λ)(1 + η(h+λ)/2) and plain gradient flow; for heavy ball the slowest root of \
            z² − (1+β−η(h+λ))z + β = 0 (log |z| and arg z) against the second-order ODE \
            (η(1+β)/2)θ̈ + (1−β)θ̇ = −∇L_λ and the first-order modified flow, which is invalid once the root is \
            complex (physics.md §9.7, §10.1). For every flat direction u (Hu = 0) ψ = u·θ is printed over \
            the steps for the exact recursion ψ_{k+1} = (1+β−ηλ)ψ_k − βψ_{k−1}, the ODE \
            ψ̈ + 2γψ̇ + (2λ/(η(1+β)))ψ = 0 and --chains chains of SGD on the run's noise, all started at rest at \
            the run file's initial mean θ (physics.md §10.3). When the noise vanishes along u (hessian and \
            loss-hessian noise), every chain must follow the recursion to round-off.
            """)

    @OptionGroup var runFile: RunFileOptions
    @Option(name: .shortAndLong, help: "Output HDF5 file.") var output = "sgdfp-modified-flow.h5"
    @Flag(help: "Replace the output file if it already exists.") var overwrite = false
    @Option(help: "SGD chains for the translation law; 0 skips the simulation.") var chains = 100
    @Option(help: "Steps (default: five decay times of the slowest flat direction, between 100 and 100000).") var steps: Int?
    @Option(help: "Rows of the translation table.") var rows = 11
    @Option(help: "Random seed of the simulation.") var seed: UInt64 = 1

    func validate() throws {
        guard chains >= 0 else { throw ValidationError("--chains must be 0 or more (got \(chains)).") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1 (got \(steps)).") }
        guard rows >= 2 else { throw ValidationError("--rows must be at least 2 (got \(rows)).") }
    }

    func run() throws {
        var study = try ModifiedFlowStudy(configuration: try runFile.configuration())
        try runFile.reportLeftovers(of: output)
        (study.chains, study.steps, study.rows, study.seed) = (chains, steps, rows, seed)
        if !runFile.quiet { print(Describe.model(study.sde) + "\n") }
        let rates = study.rates
        print(Describe.rates(rates, momentum: study.sde.hyperparameters.momentum))
        let translation = study.translationLaw()
        print("\n" + (translation.map(Describe.translation) ?? "No flat direction: H has no null vector, so no translation law applies."))
        try study.write(rates: rates, translation: translation, to: output, overwrite: overwrite)
        if !runFile.quiet { print("\nwrote \(output)") }
        if let failure = translation?.failure { throw CommandError(failure) }
    }
}
