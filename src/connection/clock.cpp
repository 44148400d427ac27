#include "clock.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace vigil {

Clock Clock::system()
{
    return {[] {
                static QElapsedTimer timer = [] {
                    QElapsedTimer t;
                    t.start();
                    return t;
                }();
                return timer.elapsed();
            },
            [] { return QDateTime::currentMSecsSinceEpoch(); }};
}

} // namespace vigil
