//! Tests of the bottleneck readout (`loads.rs`).

use super::*;
use reading_of as load;

/// The busiest resource is named; a level at 100% while the seats
/// together are at 97% is the seats running out, not the level.
#[test]
fn the_busiest_resource_is_the_bottleneck_and_full_seats_are_all_seats() {
    let after = [
        load(ResourceId::ServerSeats(None), 97.0, 100.0),
        load(ResourceId::Limit("node-high", None), 10.0, 10.0),
        load(ResourceId::EtcdApply, 0.6, 1.0),
    ];
    let ranked = ranking(&[], &after);
    assert_eq!(ranked[0].0, ResourceId::Limit("node-high", None));
    let b = bottleneck(&ranked).unwrap();
    assert_eq!((b.resource.as_str(), b.utilisation), ("APF seats", 0.97));
    assert!(b.saturated);
    assert_eq!(b.ranking.len(), 3);

    // Seats with room elsewhere: the level itself is the limit.
    let after = [
        load(ResourceId::ServerSeats(None), 50.0, 100.0),
        load(ResourceId::Limit("node-high", None), 10.0, 10.0),
        load(ResourceId::EtcdApply, 0.6, 1.0),
    ];
    let b = bottleneck(&ranking(&[], &after)).unwrap();
    assert_eq!(b.resource, "node-high seats");

    // A quiet control plane: the busiest is named, and not saturated.
    let after = [
        load(ResourceId::ServerSeats(None), 0.5, 100.0),
        load(ResourceId::Limit("global-default", None), 0.6, 100.0),
    ];
    let b = bottleneck(&ranking(&[], &after)).unwrap();
    assert_eq!(b.resource, "global-default seats");
    assert!(!b.saturated);

    // A saturated CPU is named over seats, and over what is within 5
    // points of it, not over etcd apply at 99%.
    let after = [
        load(ResourceId::Limit("node-high", Some(1)), 10.0, 10.0),
        load(ResourceId::ApiServerCpu(Some(1)), 9.2, 10.0),
        load(ResourceId::ApiServerCpu(Some(0)), 5.0, 10.0),
    ];
    let b = bottleneck(&ranking(&[], &after)).unwrap();
    assert_eq!(b.resource, "CPU of apiserver-2");
    // Another server's busy CPU does not explain a level full here.
    let after = [
        load(ResourceId::Limit("node-high", Some(0)), 10.0, 10.0),
        load(ResourceId::ApiServerCpu(Some(2)), 9.1, 10.0),
        load(ResourceId::ApiServerCpu(Some(0)), 4.0, 10.0),
    ];
    let b = bottleneck(&ranking(&[], &after)).unwrap();
    assert_eq!(b.resource, "node-high seats on apiserver-1");
    // A reading before a second server came still matches its first's.
    let before = [
        load(ResourceId::EtcdApply, 0.0, 1.0),
        load(ResourceId::ApiServerCpu(None), 5.0, 10.0),
    ];
    let after = [load(ResourceId::ApiServerCpu(Some(0)), 6.0, 20.0)];
    assert_eq!(ranking(&before, &after)[0].1, 0.1);
    let after = [
        load(ResourceId::EtcdApply, 0.99, 1.0),
        load(ResourceId::ApiServerCpu(None), 9.0, 10.0),
    ];
    assert_eq!(
        bottleneck(&ranking(&[], &after)).unwrap().resource,
        "etcd apply"
    );
    let after = [
        load(ResourceId::EtcdApply, 0.97, 1.0),
        load(ResourceId::ApiServerCpu(None), 9.3, 10.0),
    ];
    let b = bottleneck(&ranking(&[], &after)).unwrap();
    assert_eq!(b.resource, "CPU of apiserver-1");
}

/// Utilisation is over the window between the readings: etcd apply
/// busy 9 of the last 10 s reads 90% though it was idle before.
#[test]
fn the_ranking_measures_between_the_readings() {
    let before = [load(ResourceId::EtcdApply, 1.0, 50.0)];
    let after = [
        load(ResourceId::EtcdApply, 10.0, 60.0),
        load(ResourceId::EtcdCores, 8.0, 80.0),
    ];
    let ranked = ranking(&before, &after);
    assert_eq!(ranked[0], (ResourceId::EtcdApply, 0.9));
    assert_eq!(
        ranked[1],
        (ResourceId::EtcdCores, 0.1),
        "new: from its start"
    );
    assert!(bottleneck(&ranking(&[], &[load(ResourceId::EtcdCores, 0.0, 1.0)])).is_none());
}

#[test]
fn resources_are_named_as_the_readout_shows_them() {
    let names = [
        (
            ResourceId::Limit("workload-low", None),
            "workload-low seats",
        ),
        (
            ResourceId::Limit("mutating", None),
            "mutating inflight slots",
        ),
        (
            ResourceId::EtcdConnection {
                server: None,
                owner: Some(Resource::Pods),
                index: 1,
                way: Way::In,
            },
            "pods etcd connection 2, from etcd",
        ),
        (
            ResourceId::CacheLock(Resource::Pods, None),
            "pods cache lock",
        ),
        (
            ResourceId::Limit("node-high", Some(1)),
            "node-high seats on apiserver-2",
        ),
        (ResourceId::ApiServerCpu(Some(2)), "CPU of apiserver-3"),
        (ResourceId::ApiServerCpu(None), "CPU of apiserver-1"),
    ];
    for (id, name) in names {
        assert_eq!(id.to_string(), name);
    }
}
