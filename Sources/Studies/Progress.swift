import FokkerPlanck
import StationaryDistribution

/// What a long study reports while it works; the command line draws it, a notebook may ignore it.
public enum ProgressEvent: Sendable {
    case marching(SimulationProgress)
    case stationarySolve(StationaryProgress)
    /// The stage that reported is done.
    case finished
}

public typealias ProgressHandler = (ProgressEvent) -> Void

extension Optional where Wrapped == ProgressHandler {
    /// The handler as the driver's callback for time marching.
    var marching: ((SimulationProgress) -> Void)? { map { handler in { handler(.marching($0)) } } }
    /// The handler as the stationary solver's callback.
    var stationarySolve: ((StationaryProgress) -> Void)? { map { handler in { handler(.stationarySolve($0)) } } }
    func finish() { self?(.finished) }
}
