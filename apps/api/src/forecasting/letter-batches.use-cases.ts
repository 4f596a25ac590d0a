import { Injectable } from '@nestjs/common';
import { notFound, unprocessable } from '../../../../libs/core/src/domain-error.js';
import type { LetterBatchEntity } from '../../../../libs/persistence/src/entities/letter-batch.entity.js';
import { DepartmentRepository } from '../../../../libs/persistence/src/repositories/department.repository.js';
import { LetterBatchRepository, type LetterBatchData, type LetterBatchFilter } from '../../../../libs/persistence/src/repositories/letter-batch.repository.js';
import type { CreateLetterBatchDto } from './letter-batch.dto.js';

@Injectable()
export class PrepareLetterBatchData {
  constructor(private readonly departments: DepartmentRepository) {}
  async execute(input: CreateLetterBatchDto): Promise<LetterBatchData> {
    if (!(await this.departments.findById(input.departmentId))) {
      throw unprocessable('validation.failed', 'The department does not exist', [{ field: 'departmentId', rule: 'exists', message: `department ${input.departmentId} does not exist` }]);
    }
    return { departmentId: input.departmentId, sentOn: input.sentOn, letters: input.letters, description: input.description };
  }
}

@Injectable()
export class ListLetterBatches {
  constructor(private readonly batches: LetterBatchRepository) {}
  execute(filter: LetterBatchFilter): Promise<LetterBatchEntity[]> {
    // On or before `to`, so a range of one day has from = to; a reversed one is a mistake, not "none".
    if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from) {
      return Promise.reject(unprocessable('validation.failed', 'The date range is reversed', [{ field: 'to', rule: 'afterFrom', message: 'to must be on or after from' }]));
    }
    return this.batches.list(filter);
  }
}

@Injectable()
export class GetLetterBatch {
  constructor(private readonly batches: LetterBatchRepository) {}
  async execute(id: string): Promise<LetterBatchEntity> {
    return (await this.batches.findById(id)) ?? Promise.reject(notFound('letter_batch', id));
  }
}

@Injectable()
export class CreateLetterBatch {
  constructor(
    private readonly batches: LetterBatchRepository,
    private readonly prepare: PrepareLetterBatchData,
  ) {}
  async execute(input: CreateLetterBatchDto): Promise<LetterBatchEntity> {
    return this.batches.create(await this.prepare.execute(input));
  }
}

@Injectable()
export class UpdateLetterBatch {
  constructor(
    private readonly batches: LetterBatchRepository,
    private readonly prepare: PrepareLetterBatchData,
  ) {}
  async execute(id: string, input: CreateLetterBatchDto): Promise<LetterBatchEntity> {
    if (!(await this.batches.findById(id))) throw notFound('letter_batch', id);
    return (await this.batches.update(id, await this.prepare.execute(input))) ?? Promise.reject(notFound('letter_batch', id));
  }
}

@Injectable()
export class DeleteLetterBatch {
  constructor(private readonly batches: LetterBatchRepository) {}
  async execute(id: string): Promise<void> {
    if (!(await this.batches.delete(id))) throw notFound('letter_batch', id);
  }
}
