/// Every rule of the catalogue (docs/rule-catalogue.md), in precedence order within each family. The engine
/// sorts them by ``Stage``; within a stage, this order decides which rule is reported.
public enum RuleCatalog {
    public static let all: [ContactRule] =
        HoldRules.all + RecipientRules.all + MediumRules.all + TimePlaceRules.all + FrequencyRules.all
            + StateFrequencyRules.all + ContentRules.all + RecordRules.all

    /// Every rule id, for listings and for checking the catalogue is implemented in full.
    public static var ids: [RuleID] { all.map(\.id) }
}
