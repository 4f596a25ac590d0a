import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '../../../../libs/core/src/domain-error.js';
import type { DepartmentEntity } from '../../../../libs/persistence/src/entities/department.entity.js';
import { DepartmentRepository } from '../../../../libs/persistence/src/repositories/department.repository.js';
import type { CreateDepartmentDto } from './department.dto.js';

@Injectable()
export class ListDepartments {
  constructor(private readonly departments: DepartmentRepository) {}
  execute(): Promise<DepartmentEntity[]> {
    return this.departments.list();
  }
}

@Injectable()
export class GetDepartment {
  constructor(private readonly departments: DepartmentRepository) {}
  async execute(id: string): Promise<DepartmentEntity> {
    return (await this.departments.findById(id)) ?? Promise.reject(notFound('department', id));
  }
}

@Injectable()
export class CreateDepartment {
  constructor(private readonly departments: DepartmentRepository) {}
  execute(input: CreateDepartmentDto): Promise<DepartmentEntity> {
    return this.departments.save({ ...input });
  }
}

@Injectable()
export class UpdateDepartment {
  constructor(private readonly departments: DepartmentRepository) {}
  async execute(id: string, input: CreateDepartmentDto): Promise<DepartmentEntity> {
    const existing = await this.departments.findById(id);
    if (!existing) throw notFound('department', id);
    return this.departments.save({ ...existing, ...input });
  }
}

@Injectable()
export class DeleteDepartment {
  constructor(private readonly departments: DepartmentRepository) {}
  async execute(id: string): Promise<void> {
    const result = await this.departments.deleteIfUnused(id);
    if (result.deleted) return;
    if (result.agents === 0 && result.queues === 0) throw notFound('department', id);
    throw conflict('department.in_use', `The department still has ${result.agents} agent(s) and ${result.queues} queue(s); move or delete them first`);
  }
}
