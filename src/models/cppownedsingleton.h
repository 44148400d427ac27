#pragma once

#include <QJSEngine>
#include <QPointer>

class QQmlEngine;

namespace vigil {

/// \brief The one pattern by which C++ services reach QML as singletons: the application
/// creates and owns the instance, registers it with setInstance() before loading QML, and QML's
/// QML_SINGLETON factory (create()) hands out that instance instead of building its own.
template<typename T> class CppOwnedSingleton
{
public:
    static void setInstance(T *instance) { slot() = instance; }
    static T *create(QQmlEngine *, QJSEngine *)
    {
        T *instance = slot();
        Q_ASSERT(instance);
        QJSEngine::setObjectOwnership(instance, QJSEngine::CppOwnership);
        return instance;
    }

private:
    static QPointer<T> &slot()
    {
        static QPointer<T> instance;
        return instance;
    }
};

} // namespace vigil
