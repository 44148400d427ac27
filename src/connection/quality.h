#pragma once

#include <QString>

namespace vigil {

/// \brief How usable the link is, from round-trip time and heartbeat loss.
enum class QualityGrade { Unknown, Excellent, Good, Fair, Poor, Critical };

/// The worse of the RTT grade and the loss grade:
/// Excellent < 50 ms and < 0.5 %; Good < 100 ms and < 2 %; Fair < 200 ms and < 5 %;
/// Poor < 500 ms and < 10 %; Critical otherwise. Unknown without any sample.
[[nodiscard]] QualityGrade gradeFor(double rttMs, double lossPercent, int samples);
[[nodiscard]] QString gradeName(QualityGrade grade);
/// One line telling the operator what the grade means for their work.
[[nodiscard]] QString gradeRecommendation(QualityGrade grade);
/// What to tell the operator: the grade's advice while a transport carries messages, and that
/// nothing can be measured while none does.
[[nodiscard]] QString linkRecommendation(bool linked, QualityGrade grade);

} // namespace vigil
