-- Passed on as staged: the mart reads the intermediate layer (lineage rule in dbt-bouncer.yml).
with staged as (
    select * from {{ ref('stg_report__city_drivers') }}
)

select * from staged
