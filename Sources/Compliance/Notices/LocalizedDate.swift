import RecoupCore

/// Dates as a consumer reads them: `December 10, 2025`, `10 de diciembre de 2025`.
public enum LocalizedDate {
    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                                "October", "November", "December"]
    static let spanishMonths = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                                "octubre", "noviembre", "diciembre"]

    public static func text(_ date: LocalDate, _ language: NoticeLanguage) -> String {
        switch language {
        case .english: "\(englishMonths[date.month - 1]) \(date.day), \(date.year)"
        case .spanish: "\(date.day) de \(spanishMonths[date.month - 1]) de \(date.year)"
        }
    }
}
