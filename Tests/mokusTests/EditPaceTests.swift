import Testing
@testable import mokus

@Suite("Sequential-edit ETA")
struct EditPaceTests {
    @Test("the estimate is requests left × seconds per request over the recent window")
    func estimate() {
        var pace = EditPace(window: 2)
        #expect(pace.secondsLeft(remaining: 10) == nil && pace.label(remaining: 10).isEmpty)
        pace.record(seconds: 8, requests: 1)          // a slow first edit (warm-up)
        #expect(pace.secondsLeft(remaining: 10) == 80)
        pace.record(seconds: 2, requests: 4)
        pace.record(seconds: 2, requests: 4)          // the first edit has left the window
        #expect(pace.secondsLeft(remaining: 100) == 50)
        #expect(pace.label(remaining: 100) == "ETA 50s")
        #expect(pace.label(remaining: 740) == "ETA 6m10s")
        #expect(pace.label(remaining: 20_000) == "ETA 2h46m")
    }
}
