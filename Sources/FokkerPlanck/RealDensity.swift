import Spectral

/// Helpers for schemes whose state is the real density itself.
enum RealDensity {
    static func mass(_ state: AlignedBuffer, grid: PhaseSpaceGrid) -> Double {
        var s = 0.0
        for i in 0..<state.count { s += state[i] }
        return s * grid.cellVolume
    }

    static func diagnostics(_ state: AlignedBuffer, grid: PhaseSpaceGrid) -> StepDiagnostics {
        var lo = Double.infinity, negative = 0.0
        for i in 0..<state.count {
            let v = state[i]
            lo = min(lo, v)
            if v < 0 { negative -= v }
        }
        var d = StepDiagnostics()
        d.minimum = lo
        d.negativeMass = negative * grid.cellVolume
        d.isFinite = lo.isFinite && negative.isFinite
        return d
    }
}
