/// One validated placement row, ready to store: the debt and the consumer it names, before storage has matched
/// them to existing records (their ids are provisional until then).
public struct PlacedDebt: Hashable, Sendable {
    /// The data row of the file it came from, counted from 1.
    public var row: Int
    public var account: Account
    public var consumer: Consumer
    public var role: ConsumerRole

    public init(row: Int, account: Account, consumer: Consumer, role: ConsumerRole = .primary) {
        self.row = row
        self.account = account
        self.consumer = consumer
        self.role = role
    }
}
